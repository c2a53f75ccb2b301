DROP TABLE saas_verifications;
DROP TABLE saas_endpoints;
DROP TABLE seller_capabilities;
