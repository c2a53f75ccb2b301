use std::time::Duration;

use crate::helpers::TestApp;

#[actix_web::test]
async fn healthz_is_200_without_a_token() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    res.assert_status(200);
    assert_eq!(res.json()["status"], "ok");
}

#[actix_web::test]
async fn readyz_is_200_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let res = app.get("/readyz", None).await;
    res.assert_status(200);
    assert_eq!(res.json()["status"], "ready");
}

#[actix_web::test]
async fn readyz_is_503_problem_when_no_database_connection_can_be_had() {
    let app = TestApp::spawn_with(|c| c.pool_size = Some(1)).await;
    // Hold the pool's only connection for longer than readiness waits.
    let db = app.db.clone();
    let holder = std::thread::spawn(move || {
        db.read(|_conn| {
            std::thread::sleep(Duration::from_secs(4));
            Ok(())
        })
    });
    std::thread::sleep(Duration::from_millis(200));
    let res = app.get("/readyz", None).await;
    let problem = res.problem(503);
    assert!(problem["request_id"].is_string(), "a 5xx names its request id: {problem}");
    assert!(!problem["detail"].as_str().unwrap().contains("timed out"), "no internals in a 5xx");
    holder.join().unwrap().unwrap();
}
