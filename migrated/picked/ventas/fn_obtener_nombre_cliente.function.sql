-- VENTAS.FN_OBTENER_NOMBRE_CLIENTE (FUNCTION) from extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql:5

CREATE OR REPLACE FUNCTION ventas.fn_obtener_nombre_cliente(p_id_cliente numeric)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Devuelve el nombre comercial o, si no existe, la razón social.
    -- OJO: función llamada desde vistas y reportes; no usar UTL_HTTP aquí
    -- ni nada que haga commit (PRAGMA AUTONOMOUS_TRANSACTION prohibido por estándar).
    v_nombre clientes.razon_social%TYPE;
BEGIN
    SELECT coalesce(nombre_comercial, razon_social)
         INTO STRICT v_nombre
         FROM clientes
        WHERE id_cliente = p_id_cliente;
    RETURN v_nombre;
EXCEPTION
    WHEN no_data_found THEN
        RETURN '(cliente no registrado)';
END;
$body$;
