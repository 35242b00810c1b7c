/**
 * Not API: the OkHttp calls, retry loop, auth interceptors, JSON mapping and SSE reader behind
 * {@link dev.chorus.client.ChatClient}. Anything here may change without notice.
 */
package dev.chorus.client.internal;
