# Release image for `docker compose up`.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p shelf-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/shelf /usr/local/bin/shelf
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["shelf"]
CMD ["serve"]
