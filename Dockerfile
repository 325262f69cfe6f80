# Dockerfile — the sluice job runner image (Debian 12).
#
# Stage 1 builds sluice with Debian's packages; stage 2 holds only the binary, the shared
# libraries it needs and an example job, and runs as a non-root user with the binary as the
# entrypoint. Configure the job with SLUICE_* variables or flags (docs/runner.md):
#
#   docker build -t sluice .
#   docker run --rm -e BOOTSTRAP_SERVERS=kafka:9092 -v $PWD/secrets:/var/run/secrets/sluice:ro \
#       -e SLUICE_SECRETS_DIR=/var/run/secrets/sluice -p 9249:9249 sluice
#   docker run --rm -v $PWD/job.sql:/etc/sluice/job.sql:ro sluice run --validate
#
# SIGTERM drains the job (sources stop, sinks flush, offsets commit) within
# SLUICE_SHUTDOWN_TIMEOUT (30 s): give `docker stop -t` / Kubernetes'
# terminationGracePeriodSeconds more than that. tests/integration/runner_deploy.sh runs this
# file's entrypoint command line with --validate and checks the runtime packages.
#
# SPDX-License-Identifier: MIT

FROM debian:12-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake make gcc libc6-dev pkg-config lemon re2c librdkafka-dev libjansson-dev \
      libcurl4-openssl-dev libssl-dev zlib1g-dev libmicrohttpd-dev libedit-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" \
 && DESTDIR=/stage cmake --install /build --prefix /usr/local --strip

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 libjansson4 libcurl4 libssl3 zlib1g libmicrohttpd12 libedit2 tzdata \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sluice \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin sluice
COPY --from=build /stage/usr/local/bin/sluice /usr/local/bin/sluice
COPY examples/deploy/job.sql /etc/sluice/job.sql
# Inside the container the admin endpoint must be reachable by the kubelet, so it binds all
# interfaces of the pod's network namespace (outside a container the default is 127.0.0.1).
ENV SLUICE_FILE=/etc/sluice/job.sql \
    SLUICE_HTTP=0.0.0.0:9249 \
    SLUICE_LOG_FORMAT=json \
    SLUICE_SHUTDOWN_TIMEOUT=30s
USER 10001:10001
EXPOSE 9249
ENTRYPOINT ["/usr/local/bin/sluice"]
CMD ["run"]
