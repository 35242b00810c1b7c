-- wrk script: POST a small chat completion to the sandbox (static key, no auth round trip).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"sandbox-echo","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Name three primes."}],"max_tokens":16}'
