//! `shelf`: serve the API (default), migrate the database, print the OpenAPI document, or issue a token.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use shelf_domain::Role;
use shelf_server::{Config, JwtKey};

#[derive(Parser)]
#[command(name = "shelf", version, about = "The seller side of a cloud marketplace")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Run the pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Issue an HS256 token signed with SHELF_JWT_SECRET.
    Token {
        #[arg(long)]
        sub: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Lifetime, e.g. 30m, 1h, 7d.
        #[arg(long, default_value = "1h", value_parser = parse_ttl)]
        ttl: Duration,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: shelf_domain::text_enum::UnknownText| e.to_string())
}

fn parse_ttl(s: &str) -> Result<Duration, String> {
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number.parse().map_err(|_| format!("`{s}` is not a duration like 30m, 1h or 7d"))?;
    let seconds = match unit {
        "s" | "" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{s}`: the unit is s, m, h or d")),
    };
    Ok(Duration::from_secs(n.saturating_mul(seconds)))
}

/// glibc gives threads that allocate at the same time arenas of their own and keeps their freed
/// memory; with a blocking pool of database threads that grows the resident size with the number
/// of threads, not with the work. Two arenas serve two async workers and the pool well (measured in
/// bench/HISTORY.md: about 20 MiB less at peak, same throughput). glibc also raises its mmap
/// threshold to the largest block freed (up to 32 MiB), after which upload parts' 8 MiB buffers come
/// from the arenas and stay resident; fixed at 1 MiB, each goes back to the system when freed.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called first thing in main, before any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => serde_json::to_string_pretty(&shelf_http::openapi())
            .map(|json| println!("{json}"))
            .map_err(|e| e.to_string()),
        Command::Serve => Config::from_env()
            .map_err(|e| e.to_string())
            .and_then(|config| actix_web::rt::System::new().block_on(shelf_server::serve(config))),
        Command::Migrate => Config::from_env()
            .map_err(|e| e.to_string())
            .and_then(|config| shelf_server::open_db(&config).map(|_| log::info!("the database is up to date"))),
        Command::Token { sub, role, ttl, email, phone } => {
            Config::from_env().map_err(|e| e.to_string()).and_then(|config| match config.jwt_key {
                JwtKey::Secret(secret) => {
                    shelf_server::token(&secret, &sub, role, ttl, email, phone).map(|t| println!("{t}"))
                }
                _ => Err("set SHELF_JWT_SECRET (the server's HS256 secret) to issue tokens".into()),
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shelf: {e}");
            ExitCode::FAILURE
        }
    }
}
