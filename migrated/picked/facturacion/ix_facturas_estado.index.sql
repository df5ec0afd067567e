CREATE INDEX ix_facturas_estado ON facturacion.facturas ("estado", "fecha_emision");
