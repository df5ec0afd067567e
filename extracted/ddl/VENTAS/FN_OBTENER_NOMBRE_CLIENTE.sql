--------------------------------------------------------
--  DDL for Function FN_OBTENER_NOMBRE_CLIENTE
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE FUNCTION "VENTAS"."FN_OBTENER_NOMBRE_CLIENTE" (p_id_cliente IN NUMBER)
RETURN VARCHAR2
IS
   -- Devuelve el nombre comercial o, si no existe, la razón social.
   -- OJO: función llamada desde vistas y reportes; no usar UTL_HTTP aquí
   -- ni nada que haga commit (PRAGMA AUTONOMOUS_TRANSACTION prohibido por estándar).
   v_nombre clientes.razon_social%TYPE;
BEGIN
   SELECT NVL(nombre_comercial, razon_social)
     INTO v_nombre
     FROM clientes
    WHERE id_cliente = p_id_cliente;

   RETURN v_nombre;
EXCEPTION
   WHEN NO_DATA_FOUND THEN
      RETURN '(cliente no registrado)';
END fn_obtener_nombre_cliente;

/
