# Build the release binary, then run it on a slim Debian image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin zhunong

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/zhunong --create-home zhunong
COPY --from=build /src/target/release/zhunong /usr/local/bin/zhunong
USER zhunong
WORKDIR /var/lib/zhunong
ENV ZHUNONG_BIND=0.0.0.0:8080
EXPOSE 8080
CMD ["zhunong", "serve"]
