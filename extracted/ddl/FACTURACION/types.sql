--------------------------------------------------------
--  DDL for Type T_LINEA_FACTURA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TYPE "FACTURACION"."T_LINEA_FACTURA" FORCE AS OBJECT
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
) NOT FINAL;

/
CREATE OR REPLACE EDITIONABLE TYPE BODY "FACTURACION"."T_LINEA_FACTURA" AS

  CONSTRUCTOR FUNCTION t_linea_factura(p_id_producto NUMBER, p_cantidad NUMBER, p_precio NUMBER)
    RETURN SELF AS RESULT
  IS
  BEGIN
    SELF.id_producto          := p_id_producto;
    SELF.cantidad             := p_cantidad;
    SELF.precio_unitario      := p_precio;
    SELF.porcentaje_descuento := 0;
    SELF.porcentaje_iva       := 0;
    RETURN;
  END;

  MEMBER FUNCTION subtotal RETURN NUMBER IS
  BEGIN
    RETURN ROUND(cantidad * precio_unitario, 2);
  END;

  MEMBER FUNCTION valor_descuento RETURN NUMBER IS
  BEGIN
    RETURN TRUNC(subtotal() * NVL(porcentaje_descuento, 0) / 100, 2);
  END;

  MEMBER FUNCTION valor_iva RETURN NUMBER IS
  BEGIN
    RETURN ROUND((subtotal() - valor_descuento()) * NVL(porcentaje_iva, 0) / 100, 2);
  END;

  MEMBER FUNCTION total RETURN NUMBER IS
  BEGIN
    RETURN subtotal() - valor_descuento() + valor_iva();
  END;

  MEMBER PROCEDURE validar IS
  BEGIN
    IF cantidad IS NULL OR cantidad <= 0 THEN
      RAISE_APPLICATION_ERROR(-20301, 'Cantidad inválida en producto ' || id_producto);
    END IF;
    IF NVL(porcentaje_descuento, 0) NOT BETWEEN 0 AND 100 THEN
      RAISE_APPLICATION_ERROR(-20302, 'Porcentaje de descuento fuera de rango: ' || porcentaje_descuento);
    END IF;
  END;

  ORDER MEMBER FUNCTION comparar(p_otra t_linea_factura) RETURN INTEGER IS
  BEGIN
    RETURN SIGN(SELF.total() - p_otra.total());
  END;

END;

/
--------------------------------------------------------
--  DDL for Type T_TAB_LINEAS_FACTURA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TYPE "FACTURACION"."T_TAB_LINEAS_FACTURA" AS TABLE OF facturacion.t_linea_factura;

/
--------------------------------------------------------
--  DDL for Type T_VARRAY_MESES
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TYPE "FACTURACION"."T_VARRAY_MESES" AS VARRAY(12) OF NUMBER(14,2);

/
