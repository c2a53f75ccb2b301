use crate::helpers::TestApp;

#[actix_web::test]
async fn service_flow_templates_are_listed_anonymously() {
    let app = TestApp::spawn().await;
    let res = app.get("/v1/service-flow-templates", None).await;
    res.assert_status(200);
    let codes: Vec<_> = res.json()["items"].as_array().unwrap().iter().map(|t| t["code"].clone()).collect();
    assert_eq!(codes, ["standard", "website_building", "license_delivery"]);
}

#[actix_web::test]
async fn the_standard_template_has_its_five_stages_in_order() {
    let app = TestApp::spawn().await;
    let res = app.get("/v1/service-flow-templates/standard", None).await;
    res.assert_status(200);
    let stages: Vec<_> = res.json()["stages"].as_array().unwrap().iter().map(|s| s["code"].clone()).collect();
    assert_eq!(
        stages,
        [
            "waiting_for_customer_request",
            "waiting_for_seller_confirmation",
            "seller_delivering",
            "waiting_for_customer_acceptance",
            "completed"
        ]
    );
}

#[actix_web::test]
async fn an_unknown_template_is_404_problem() {
    let app = TestApp::spawn().await;
    app.get("/v1/service-flow-templates/bespoke", None).await.problem(404);
}
