DROP TRIGGER IF EXISTS trg_usuarios_biu ON usuarios CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_trg_usuarios_biu() RETURNS trigger AS $BODY$
BEGIN
  BEGIN
  NEW.login := UPPER(trim(both NEW.login));
  NEW.email := LOWER(trim(both NEW.email));

  IF (NEW.email AND NEW.email::text <> '') AND fn_validar_email(NEW.email) = 'N' THEN
    RAISE EXCEPTION '%', 'Correo inválido para el usuario ' || NEW.login USING ERRCODE = '45910';
  END IF;

  IF TG_OP = 'INSERT' THEN
    NEW.fecha_creacion    := statement_timestamp();
    NEW.intentos_fallidos := 0;
    IF coalesce(NEW.hash_clave::text, '') = '' THEN
      RAISE EXCEPTION '%', 'El usuario debe crearse con clave (use PKG_CRIPTO.fn_hash_clave)' USING ERRCODE = '45911';
    END IF;
  END IF;
  END;
RETURN NEW;
END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER trg_usuarios_biu
	BEFORE INSERT OR UPDATE ON usuarios FOR EACH ROW
	EXECUTE PROCEDURE trigger_fct_trg_usuarios_biu();
