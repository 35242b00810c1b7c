# Starts one nginx (one worker) on loopback as a fast neutral chat server for the benchmarks.
# Sourced, not executed. Needs $work (a scratch folder) and the array $pids (processes to stop).
#
#   start_nginx      sets nginx_port, with_echo (1 when the echo module loaded) and nginx_note
#
# Base URLs on that server (the delayed ones need the echo module, Debian's
# libnginx-mod-http-echo; its echo_sleep is a timer, the worker is not blocked):
#   /v1         a static chat completion at once (return 200)
#   /d100/v1    the same after 100 ms
#   /d1000/v1   the same after 1 s
#   /sse100/v1  the role chunk at once, 100 ms, then content chunks, usage and [DONE]
# NGINX (binary) and NGINX_ECHO_MODULE (module file) override where they are looked for.

nginx_completion='{"id":"chatcmpl-1","object":"chat.completion","created":0,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}'
# SSE events as the sandbox streams them (sandbox/README.md): role chunk, content chunks, a final
# chunk with an empty delta, finish_reason and usage, then [DONE]. echo ends its output with a
# newline and nginx turns \n inside a quoted string into one, so each event ends in a blank line.
nginx_chunk='{"id":"chatcmpl-1","object":"chat.completion.chunk","created":0,"model":"bench","choices":[{"index":0,'

# write_nginx_conf PORT ECHO(0|1): with ECHO=1 also the delaying locations
write_nginx_conf() {
  local port="$1" echo_on="$2" load="" echo_locations=""
  local completion="$nginx_completion" chunk="$nginx_chunk"
  if [ "$echo_on" = 1 ]; then
    load="load_module $nginx_echo_module;"
    echo_locations="
    location /d100/ {
      default_type application/json;
      echo_sleep 0.1;
      echo -n '$completion';
    }
    location /d1000/ {
      default_type application/json;
      echo_sleep 1;
      echo -n '$completion';
    }
    location /sse100/ {
      default_type text/event-stream;
      echo 'data: $chunk\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n';
      echo_flush;
      echo_sleep 0.1;
      echo 'data: $chunk\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}\n';
      echo 'data: $chunk\"delta\":{\"content\":\" from\"},\"finish_reason\":null}]}\n';
      echo 'data: $chunk\"delta\":{\"content\":\" nginx\"},\"finish_reason\":null}]}\n';
      echo 'data: $chunk\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}\n';
      echo 'data: [DONE]\n';
    }"
  fi
  cat >"$work/nginx/nginx.conf" <<CONF
$load
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_temp_path $work/nginx/body;
  server {
    listen 127.0.0.1:$port;$echo_locations
    location / {
      default_type application/json;
      return 200 '$completion';
    }
  }
}
CONF
}

nginx_bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
nginx_echo_module="${NGINX_ECHO_MODULE:-/usr/lib/nginx/modules/ngx_http_echo_module.so}"
nginx_port=""
with_echo=0
nginx_note=""

start_nginx() {
  if [ ! -x "$nginx_bin" ]; then
    nginx_note="nginx not found ($nginx_bin)"
    return 1
  fi
  nginx_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  mkdir -p "$work/nginx/logs"
  local why="module file $nginx_echo_module not found"
  if [ -f "$nginx_echo_module" ]; then
    write_nginx_conf "$nginx_port" 1
    # nginx -t loads the module: a module built for another nginx version fails here.
    if "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -t >"$work/nginx/test.log" 2>&1; then
      with_echo=1
    else
      why="nginx -t: $(grep -m1 emerg "$work/nginx/test.log" || tail -1 "$work/nginx/test.log")"
    fi
  fi
  [ "$with_echo" = 1 ] || write_nginx_conf "$nginx_port" 0
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  local pid=$!
  pids+=("$pid")
  local up=0
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && { up=1; break; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$up" != 1 ]; then
    echo "nginx did not start on port $nginx_port" >&2
    cat "$work/nginx/logs/error.log" >&2
    exit 1
  fi
  local version
  version="$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
  if [ "$with_echo" = 1 ]; then
    nginx_note="$version, echo module used ($nginx_echo_module)"
  else
    nginx_note="$version, echo module not used ($why)"
  fi
}
