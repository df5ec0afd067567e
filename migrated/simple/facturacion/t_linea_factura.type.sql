-- Unsupported, please edit to match PostgreSQL syntax
CREATE OR REPLACE TYPE "FACTURACION"."T_LINEA_FACTURA" FORCE AS OBJECT
(
  id_producto           NUMBER(10),
  descripcion           VARCHAR2(200),
  cantidad              NUMBER(10,2),
  precio_unitario       NUMBER(12,4),
  porcentaje_descuento  NUMBER(5,2),
  porcentaje_iva        NUMBER(5,2),

  CONSTRUCTOR FUNCTION t_linea_factura(p_id_producto NUMBER, p_cantidad NUMBER, p_precio NUMBER)
    RETURN SELF AS RESULT,
  MEMBER FUNCTION subtotal RETURN NUMBER,
  MEMBER FUNCTION valor_descuento RETURN NUMBER,
  MEMBER FUNCTION valor_iva RETURN NUMBER,
  MEMBER FUNCTION total RETURN NUMBER,
  MEMBER PROCEDURE validar,
  ORDER MEMBER FUNCTION comparar(p_otra t_linea_factura) RETURN INTEGER
) NOT FINAL
;
