# k6 with xk6-chatgpt, for CI runners and the k6-operator (deploy/). Multi-stage: xk6 builds k6
# with this extension from the source tree; the runtime image carries the static binary, the
# scripts and CA certificates, and runs as a non-root user. Alpine rather than distroless because
# the k6-operator's initializer runs `sh -c "k6 archive … && k6 inspect … | grep …"` in this image.
#
#   docker build -t ghcr.io/xk6-chatgpt/xk6-chatgpt:v0.1.0 .
#   docker run --rm -e OPENAI_API_KEY ghcr.io/xk6-chatgpt/xk6-chatgpt:v0.1.0 run /scripts/chatgpt.js
FROM golang:1.26-bookworm AS build
WORKDIR /src
# xk6 at the version make lint pins, built from the tools module
COPY .ci/tools/go.mod .ci/tools/go.sum .ci/tools/tools.go ./.ci/tools/
RUN cd .ci/tools && go build -o /usr/local/bin/xk6 go.k6.io/xk6
COPY . .
RUN CGO_ENABLED=0 xk6 build v2.2.0 --with github.com/xk6-chatgpt/xk6-chatgpt=. --output /out/k6

FROM alpine:3.22
# /state belongs to the k6 user, so a volume mounted there (docker compose's monitor-state, a
# Kubernetes volume without fsGroup) starts writable for the continuous monitor's state file.
RUN apk add --no-cache ca-certificates && adduser -D -u 12345 -g 12345 k6 && install -d -o 12345 -g 12345 /state
COPY --from=build /out/k6 /usr/bin/k6
COPY scripts/ /scripts/
COPY examples/ /examples/
USER 12345
WORKDIR /home/k6
ENTRYPOINT ["k6"]
CMD ["run", "/scripts/chatgpt.js"]
