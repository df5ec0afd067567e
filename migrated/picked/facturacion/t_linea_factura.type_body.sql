-- FACTURACION.T_LINEA_FACTURA (TYPE BODY) from extracted/ddl/FACTURACION/types.sql:25
-- review (line 69): ORDER MEMBER FUNCTION comparar: PostgreSQL compares composite values attribute by attribute, not with this method

CREATE SCHEMA IF NOT EXISTS t_linea_factura;

CREATE OR REPLACE FUNCTION t_linea_factura.t_linea_factura(
    p_id_producto numeric,
    p_cantidad numeric,
    p_precio numeric
)
RETURNS facturacion.t_linea_factura
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    self facturacion.t_linea_factura;
BEGIN
    SELF.id_producto := p_id_producto;
    SELF.cantidad := p_cantidad;
    SELF.precio_unitario := p_precio;
    SELF.porcentaje_descuento := 0;
    SELF.porcentaje_iva := 0;
    RETURN self;
END;
$body$;

CREATE OR REPLACE FUNCTION t_linea_factura.subtotal(self facturacion.t_linea_factura)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN ROUND(self.cantidad * self.precio_unitario, 2);
END;
$body$;

CREATE OR REPLACE FUNCTION t_linea_factura.valor_descuento(self facturacion.t_linea_factura)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN TRUNC(t_linea_factura.subtotal(self) * coalesce(self.porcentaje_descuento, 0) / 100, 2);
END;
$body$;

CREATE OR REPLACE FUNCTION t_linea_factura.valor_iva(self facturacion.t_linea_factura)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN ROUND((t_linea_factura.subtotal(self) - t_linea_factura.valor_descuento(self)) * coalesce(self.porcentaje_iva, 0) / 100, 2);
END;
$body$;

CREATE OR REPLACE FUNCTION t_linea_factura.total(self facturacion.t_linea_factura)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN t_linea_factura.subtotal(self) - t_linea_factura.valor_descuento(self) + t_linea_factura.valor_iva(self);
END;
$body$;

CREATE OR REPLACE PROCEDURE t_linea_factura.validar(self facturacion.t_linea_factura)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    IF self.cantidad IS NULL OR self.cantidad <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0301', MESSAGE = concat('Cantidad inválida en producto ', self.id_producto);
    END IF;
    IF coalesce(self.porcentaje_descuento, 0) NOT BETWEEN 0 AND 100 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0302', MESSAGE = concat('Porcentaje de descuento fuera de rango: ', self.porcentaje_descuento);
    END IF;
END;
$body$;

CREATE OR REPLACE FUNCTION t_linea_factura.comparar(
    self facturacion.t_linea_factura,
    p_otra facturacion.t_linea_factura
)
RETURNS numeric(38)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN SIGN(t_linea_factura.total(self) - t_linea_factura.total(p_otra));
END;
$body$;
