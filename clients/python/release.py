"""A whole release through the client openapi-python-client generates from openapi/openapi.json.

A seller writes a draft, a reviewer approves it, an anonymous visitor finds it in the catalog and gets a
quote; every response is parsed into its generated model. No hand-written request. The seller's
integration registers a webhook endpoint first: a local receiver that verifies every message with the
Standard Webhooks library from PyPI (`standardwebhooks`) and acknowledges it; the release's events must
all arrive, verified.

    SHELF_URL=http://127.0.0.1:8080 SHELF_SELLER_TOKEN=... SHELF_REVIEWER_TOKEN=... python3 release.py
"""
import http.server
import io
import json
import os
import pathlib
import threading
import time
from http import HTTPStatus

from standardwebhooks.webhooks import Webhook

from shelf_client import AuthenticatedClient, Client
from shelf_client.api.catalog import get_catalog_product, list_catalog_products, quote_catalog_product
from shelf_client.api.drafts import (
    create_draft,
    get_draft_logo,
    put_draft_logo,
    submit_draft,
    update_draft,
    upload_draft_request_template,
    validate_draft,
)
from shelf_client.api.pricing_templates import create_pricing_template, quote_pricing_template
from shelf_client.api.review import approve_application, list_review_applications
from shelf_client.api.webhooks import create_webhook_endpoint
from shelf_client.models import (
    AfterSales,
    ReviewQueue,
    ApplicationResponse,
    ApplicationStatus,
    AttributeType,
    BillingMode,
    CatalogList,
    CatalogProduct,
    CatalogQuoteRequest,
    CreateDraftRequest,
    DraftContentPatch,
    DraftResponse,
    FlatPricingTemplate,
    FlatPricingTemplateModel,
    LinearPrice,
    LinearPriceModel,
    PeriodAmounts,
    Period,
    PricingKind,
    Problem,
    ProfessionalServiceContent,
    ProfessionalServiceContentDeliveryMethod,
    QuoteRequest,
    QuoteResponse,
    RequestTemplate,
    ServiceFlowTemplateCode,
    Sku,
    SkuAttributesType0,
    SpecAttribute,
    Specification,
    StoredLogo,
    Tier,
    TieredPricingTemplate,
    TieredPricingTemplateModel,
    TieredPricingTemplateResponse,
    TierMode,
    UpdateDraftRequest,
    UploadForm,
    ValidationReport,
    WebhookEndpointResponse,
    WebhookEndpointSettings,
)
from shelf_client.types import File, Response

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"failed: {what}")
    print(f"ok - {what}")


def parsed(response: Response, model: type, status: HTTPStatus, what: str):
    """The response's parsed body, which must be of `model` with this status."""
    if response.status_code != status or not isinstance(response.parsed, model):
        raise SystemExit(f"failed: {what}: {response.status_code} {response.content[:400]!r}")
    print(f"ok - {what} ({int(response.status_code)})")
    return response.parsed


class Receiver(http.server.ThreadingHTTPServer):
    """The integration's webhook endpoint: verifies each message with the Standard Webhooks library."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.secret = None
        self.verified = []
        self.refused = []


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            message = Webhook(self.server.secret).verify(body, dict(self.headers.items()))
            self.server.verified.append((self.headers["webhook-id"], message))
            self.send_response(204)
        except Exception as e:  # a message that does not verify is refused, and the flow fails
            self.server.refused.append(repr(e))
            self.send_response(400)
        self.end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    base_url = os.environ["SHELF_URL"]
    seller = AuthenticatedClient(base_url=base_url, token=os.environ["SHELF_SELLER_TOKEN"])
    reviewer = AuthenticatedClient(base_url=base_url, token=os.environ["SHELF_REVIEWER_TOKEN"])
    visitor = Client(base_url=base_url)

    # The seller's integration listens for every event.
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = parsed(
        create_webhook_endpoint.sync_detailed(
            client=seller,
            body=WebhookEndpointSettings(url=f"http://127.0.0.1:{receiver.server_address[1]}/shelf",
                                         event_types=["*"]),
        ),
        WebhookEndpointResponse, HTTPStatus.CREATED, "register a webhook endpoint",
    )
    check(isinstance(endpoint.secret, str) and endpoint.secret.startswith("whsec_"), "its secret is shown once")
    receiver.secret = endpoint.secret

    # A reusable price: a tiered pricing template, quoted once.
    template_body = TieredPricingTemplate(
        model=TieredPricingTemplateModel.TIERED,
        mode=TierMode.GRADUATED,
        name="Person-days, cheaper in bulk",
        currency="USD",
        tiers=[
            Tier(up_to=10, unit_amounts=PeriodAmounts(one_time=50000)),
            Tier(up_to=None, unit_amounts=PeriodAmounts(one_time=40000)),
        ],
    )
    template = parsed(
        create_pricing_template.sync_detailed(client=seller, body=template_body),
        TieredPricingTemplateResponse, HTTPStatus.CREATED, "create a tiered pricing template",
    )
    template_quote = parsed(
        quote_pricing_template.sync_detailed(
            template.id, client=seller, body=QuoteRequest(quantity=12, period=Period.ONE_TIME)
        ),
        QuoteResponse, HTTPStatus.OK, "quote the template",
    )
    check(template_quote.total.amount == 10 * 50000 + 2 * 40000, "graduated: ten at 500.00, two at 400.00")

    # The draft: saved, then completed with a merge patch under If-Match.
    # The content is typed by its delivery method: one model per method.
    content = ProfessionalServiceContent(
        delivery_method=ProfessionalServiceContentDeliveryMethod.PROFESSIONAL_SERVICE,
        name="Data Migration Supporting Service",
        version="V1.0",
        currency="USD",
        summary="Move your databases to the cloud with zero data loss.",
        description="We migrate relational databases to managed cloud services. " * 8,
        highlights=["Zero downtime cut-over", "Certified engineers"],
        service_flow_template=ServiceFlowTemplateCode.STANDARD,
        after_sales=AfterSales(email="support@example.com", hotline="+86 755 1234 5678",
                               hours="09:00-18:00", days="mon-fri", timezone="+08:00"),
        public_sales=True,
    )
    created = create_draft.sync_detailed(client=seller, body=CreateDraftRequest(content=content))
    draft = parsed(created, DraftResponse, HTTPStatus.CREATED, "save a draft")
    etag = created.headers["ETag"]
    check(etag == f'"{draft.version}"', "the ETag is the draft's version")
    check(created.headers["Location"] == f"/v1/drafts/{draft.id}", "Location names the draft")

    specification = Specification(
        key="migration",
        name="Database migration",
        billing_mode=BillingMode.ONE_TIME,
        pricing=PricingKind.CUSTOM,
        attributes=[
            SpecAttribute(code="edition", name="Edition", type_=AttributeType.ENUMERATION,
                          values=["basic", "enterprise"]),
            SpecAttribute(code="person_days", name="Person-days", type_=AttributeType.QUANTITY,
                          unit="person-day", min_=1, max_=100, step=1),
        ],
        skus=[
            Sku(attributes=SkuAttributesType0.from_dict({"edition": "basic"}),
                price=LinearPrice(model=LinearPriceModel.LINEAR, unit_amounts=PeriodAmounts(one_time=50000))),
            Sku(attributes=SkuAttributesType0.from_dict({"edition": "enterprise"}), price_template_id=template.id),
        ],
    )
    patch = UpdateDraftRequest(content=DraftContentPatch(avg_delivery_days=10, specifications=[specification]))
    patched = parsed(
        update_draft.sync_detailed(draft.id, client=seller, body=patch, if_match=etag),
        DraftResponse, HTTPStatus.OK, "complete the draft with a merge patch",
    )
    check(patched.version == draft.version + 1, "the patch bumped the version")

    # A stale If-Match is 412, parsed as a problem.
    stale = update_draft.sync_detailed(
        draft.id, client=seller, if_match=etag,
        body=UpdateDraftRequest(content=DraftContentPatch(summary="A change made from an old copy.")),
    )
    problem = parsed(stale, Problem, HTTPStatus.PRECONDITION_FAILED, "a stale If-Match")
    check(problem.status == 412, "a stale If-Match is 412 problem+json")

    # Files: the logo and a request template.
    logo = (FIXTURES / "logo.png").read_bytes()
    stored = parsed(
        put_draft_logo.sync_detailed(draft.id, client=seller, body=File(payload=io.BytesIO(logo))),
        StoredLogo, HTTPStatus.OK, "put the logo",
    )
    check(stored.size == len(logo), "the stored logo has the size sent")
    downloaded = parsed(get_draft_logo.sync_detailed(draft.id, client=seller), File, HTTPStatus.OK,
                        "get the logo back")
    check(downloaded.payload.read() == logo, "the downloaded logo is the one sent")
    form = File(payload=io.BytesIO((FIXTURES / "order-form.docx").read_bytes()), file_name="Order form.docx")
    uploaded = parsed(
        upload_draft_request_template.sync_detailed(draft.id, client=seller, body=UploadForm(file=form)),
        RequestTemplate, HTTPStatus.CREATED, "upload a request template",
    )
    check(uploaded.filename == "Order form.docx", "the template keeps its file name")

    # Release requirements, then submission.
    report = parsed(validate_draft.sync_detailed(draft.id, client=seller), ValidationReport, HTTPStatus.OK,
                    "validate")
    check(report.ready, f"the draft is ready ({[v.to_dict() for v in report.violations]})")
    application = parsed(submit_draft.sync_detailed(draft.id, client=seller), ApplicationResponse,
                         HTTPStatus.CREATED, "submit for review")
    check(application.status == ApplicationStatus.PENDING, "the application is pending")

    # The reviewer's queue and decision.
    queue = parsed(list_review_applications.sync_detailed(client=reviewer, limit=100), ReviewQueue,
                   HTTPStatus.OK, "read the queue")
    check(any(a.id == application.id for a in queue.items), "the application is in the reviewer's queue")
    approved = parsed(approve_application.sync_detailed(application.id, client=reviewer), ApplicationResponse,
                      HTTPStatus.OK, "approve")
    check(approved.status == ApplicationStatus.APPROVED and isinstance(approved.product_id, str),
          "approval created a product")
    product_id = str(approved.product_id)

    # The anonymous catalog.
    page = parsed(list_catalog_products.sync_detailed(client=visitor, q="Migration"), CatalogList, HTTPStatus.OK,
                  "search the catalog")
    check(any(p.id == product_id for p in page.items), "the product is listed")
    product = parsed(get_catalog_product.sync_detailed(product_id, client=visitor), CatalogProduct, HTTPStatus.OK,
                     "read the product")
    check(isinstance(product.content, ProfessionalServiceContent),
          "the catalog types the content by its delivery method")
    spec = product.content.specifications[0]
    sku = next(s for s in spec.skus if s.attributes.to_dict().get("edition") == "enterprise")
    quote = parsed(
        quote_catalog_product.sync_detailed(
            product_id, client=visitor,
            body=CatalogQuoteRequest(specification=spec.key, sku=sku.code, quantity=12, period=Period.ONE_TIME),
        ),
        QuoteResponse, HTTPStatus.OK, "quote the enterprise SKU",
    )
    check(quote.total.amount == template_quote.total.amount, "the catalog quotes the template's price")

    # A broken rule is 422 with the field named.
    invalid = create_pricing_template.sync_detailed(
        client=seller,
        body=FlatPricingTemplate(model=FlatPricingTemplateModel.FLAT, name="Lower-case currency", currency="usd",
                                 amounts=PeriodAmounts(month=100)),
    )
    problem = parsed(invalid, Problem, HTTPStatus.UNPROCESSABLE_ENTITY, "an invalid currency")
    check(any(e.pointer == "/currency" for e in problem.errors), "an invalid currency is 422 naming /currency")

    # Every event of the release reached the integration, verified by the library.
    wanted = {"application.submitted", "application.approved", "product.listed"}
    for _ in range(100):
        if wanted <= {m["type"] for _, m in receiver.verified}:
            break
        time.sleep(0.1)
    check(not receiver.refused, f"no message failed verification {receiver.refused}")
    check(wanted <= {m["type"] for _, m in receiver.verified}, "the release's events arrived, verified")
    check(all(m["data"]["id"] == webhook_id for webhook_id, m in receiver.verified), "webhook-id is the event id")
    receiver.shutdown()
    print("release completed")


if __name__ == "__main__":
    main()
