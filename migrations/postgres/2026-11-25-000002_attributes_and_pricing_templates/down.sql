DROP TABLE pricing_templates;
DROP TABLE attributes;
