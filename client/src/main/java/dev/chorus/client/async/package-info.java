/**
 * Small concurrency pieces that the JDK lacks for reproducing Python's asyncio patterns on
 * virtual threads: {@link dev.chorus.client.async.TaskGroup} (structured tasks that cancel their
 * siblings and report every failure), {@link dev.chorus.client.async.Timeout} (a movable deadline
 * around blocking code), {@link dev.chorus.client.async.Tasks} (gather, as-completed, wait-first,
 * wait-all), {@link dev.chorus.client.async.Event}, {@link dev.chorus.client.async.WorkQueue},
 * {@link dev.chorus.client.async.BoundedSemaphore}, {@link dev.chorus.client.async.InFlightGauge}
 * and {@link dev.chorus.client.async.RateLimiter}. docs/ASYNC.md maps each asyncio construct to
 * its Java counterpart.
 *
 * <p>Pure JDK (Java 21, no preview APIs); nothing here depends on the rest of the client.
 */
package dev.chorus.client.async;
