-- VENTAS.TRG_PEDIDO_LINEAS_CMP (TRIGGER) from extracted/ddl/VENTAS/TRG_PEDIDO_LINEAS_CMP.sql:5
-- review (line 5): a compound trigger became one trigger per timing point, sharing its declarations as session settings: PostgreSQL fires AFTER EACH ROW triggers at the end of the statement, after every BEFORE EACH ROW, where Oracle fires them row by row
-- review (line 12): associative arrays indexed by integers are PostgreSQL arrays (here and below): an index between the lowest and highest assigned exists, NULL, so COUNT, EXISTS, NEXT and PRIOR see it where Oracle skips it, and keys far apart make a large array
-- review (line 39): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment

CREATE SCHEMA IF NOT EXISTS trg_pedido_lineas_cmp;

-- package variable g_pedidos: session setting trg_pedido_lineas_cmp.g_pedidos
CREATE OR REPLACE FUNCTION trg_pedido_lineas_cmp.g_pedidos() RETURNS boolean[]
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text := current_setting('trg_pedido_lineas_cmp.g_pedidos', true);
BEGIN
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::boolean[];
END;
$body$;

CREATE OR REPLACE FUNCTION ventas.trg_pedido_lineas_cmp_before_statement() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    PERFORM set_config('trg_pedido_lineas_cmp.g_pedidos', coalesce((NULL)::text, ''), false);
    PERFORM set_config('trg_pedido_lineas_cmp.g_pedidos', '', false);
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS trg_pedido_lineas_cmp_before_statement ON ventas.pedido_lineas;
CREATE TRIGGER trg_pedido_lineas_cmp_before_statement
BEFORE INSERT OR UPDATE OR DELETE ON ventas.pedido_lineas
FOR EACH STATEMENT
EXECUTE FUNCTION ventas.trg_pedido_lineas_cmp_before_statement();

CREATE OR REPLACE FUNCTION ventas.trg_pedido_lineas_cmp_before_row() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    IF (TG_OP = 'INSERT') OR (TG_OP = 'UPDATE') THEN
        IF NEW.precio_unitario < 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'U0140', MESSAGE = concat('Precio unitario negativo en la línea ', NEW.nro_linea);
        END IF;
        NEW.subtotal_linea := ROUND(NEW.cantidad * NEW.precio_unitario * (1 - coalesce(NEW.porcentaje_descuento, 0) / 100), 2);
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$body$;

DROP TRIGGER IF EXISTS trg_pedido_lineas_cmp_before_row ON ventas.pedido_lineas;
CREATE TRIGGER trg_pedido_lineas_cmp_before_row
BEFORE INSERT OR UPDATE OR DELETE ON ventas.pedido_lineas
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_pedido_lineas_cmp_before_row();

CREATE OR REPLACE FUNCTION ventas.trg_pedido_lineas_cmp_after_row() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    trg_pedido_lineas_cmp_g_pedidos boolean[];
BEGIN
    IF (TG_OP = 'DELETE') THEN
        trg_pedido_lineas_cmp_g_pedidos := trg_pedido_lineas_cmp.g_pedidos();
        trg_pedido_lineas_cmp_g_pedidos[OLD.id_pedido] := TRUE;
        PERFORM set_config('trg_pedido_lineas_cmp.g_pedidos', coalesce(trg_pedido_lineas_cmp_g_pedidos::text, ''), false);
    ELSE
        trg_pedido_lineas_cmp_g_pedidos := trg_pedido_lineas_cmp.g_pedidos();
        trg_pedido_lineas_cmp_g_pedidos[NEW.id_pedido] := TRUE;
        PERFORM set_config('trg_pedido_lineas_cmp.g_pedidos', coalesce(trg_pedido_lineas_cmp_g_pedidos::text, ''), false);
    END IF;
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS trg_pedido_lineas_cmp_after_row ON ventas.pedido_lineas;
CREATE TRIGGER trg_pedido_lineas_cmp_after_row
AFTER INSERT OR UPDATE OR DELETE ON ventas.pedido_lineas
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_pedido_lineas_cmp_after_row();

CREATE OR REPLACE FUNCTION ventas.trg_pedido_lineas_cmp_after_statement() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id integer;
BEGIN
    v_id := array_lower(trg_pedido_lineas_cmp.g_pedidos(), 1);
    WHILE v_id IS NOT NULL LOOP
        CALL pkg_pedidos.recalcular_totales(v_id);
        v_id := CASE WHEN v_id < array_upper(trg_pedido_lineas_cmp.g_pedidos(), 1) THEN v_id + 1 END;
    END LOOP;
    PERFORM set_config('trg_pedido_lineas_cmp.g_pedidos', '', false);
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS trg_pedido_lineas_cmp_after_statement ON ventas.pedido_lineas;
CREATE TRIGGER trg_pedido_lineas_cmp_after_statement
AFTER INSERT OR UPDATE OR DELETE ON ventas.pedido_lineas
FOR EACH STATEMENT
EXECUTE FUNCTION ventas.trg_pedido_lineas_cmp_after_statement();
