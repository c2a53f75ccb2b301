//! A webhook receiver for the benchmarks: answers every POST 200 at once and counts them; `GET /stats`
//! answers `{"count", "seconds"}` (seconds between the first and the last message); `DELETE /stats`
//! starts counting again.
//!
//! `shelf-receiver --bind 127.0.0.1:18292`

use std::sync::Mutex;
use std::time::Instant;

use actix_web::{App, HttpResponse, HttpServer, web};

#[derive(Default)]
struct Seen {
    count: u64,
    first: Option<Instant>,
    last: Option<Instant>,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args().skip_while(|a| a != "--bind").nth(1).unwrap_or_else(|| "127.0.0.1:18292".into());
    let seen = web::Data::new(Mutex::new(Seen::default()));
    HttpServer::new(move || {
        App::new()
            .app_data(seen.clone())
            .route(
                "/stats",
                web::delete().to(|seen: web::Data<Mutex<Seen>>| async move {
                    *seen.lock().unwrap_or_else(|p| p.into_inner()) = Seen::default();
                    HttpResponse::NoContent().finish()
                }),
            )
            .route(
                "/stats",
                web::get().to(|seen: web::Data<Mutex<Seen>>| async move {
                    let s = seen.lock().unwrap_or_else(|p| p.into_inner());
                    let seconds = match (s.first, s.last) {
                        (Some(first), Some(last)) => (last - first).as_secs_f64(),
                        _ => 0.0,
                    };
                    HttpResponse::Ok().json(serde_json::json!({"count": s.count, "seconds": seconds}))
                }),
            )
            .default_service(web::to(|seen: web::Data<Mutex<Seen>>, _body: web::Bytes| async move {
                let mut s = seen.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                s.count += 1;
                s.first.get_or_insert(now);
                s.last = Some(now);
                HttpResponse::Ok().finish()
            }))
    })
    .bind(bind)?
    .run()
    .await
}
