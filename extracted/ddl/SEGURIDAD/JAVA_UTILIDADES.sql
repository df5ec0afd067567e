PROMPT Creando fuente Java ValidadorDocumentos
SET DEFINE OFF

CREATE OR REPLACE AND COMPILE JAVA SOURCE NAMED "SEGURIDAD"."ValidadorDocumentos" AS
import java.util.regex.Pattern;
import java.util.regex.Matcher;

/**
 * Validaciones que resultaban costosas en PL/SQL.
 * Se invoca desde SEGURIDAD.FN_VALIDAR_EMAIL.
 */
public class ValidadorDocumentos {

    private static final Pattern EMAIL =
        Pattern.compile("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");

    public static String validarEmail(String email) {
        if (email == null) {
            return "N";
        }
        Matcher m = EMAIL.matcher(email.trim());
        return m.matches() ? "S" : "N";
    }

    public static String normalizarTelefono(String telefono) {
        if (telefono == null) {
            return null;
        }
        String soloDigitos = telefono.replaceAll("[^0-9]", "");
        if (soloDigitos.startsWith("593")) {
            soloDigitos = "0" + soloDigitos.substring(3);
        }
        return soloDigitos;
    }
}
/

CREATE OR REPLACE FUNCTION "SEGURIDAD"."FN_VALIDAR_EMAIL" (p_email IN VARCHAR2)
  RETURN VARCHAR2
AS LANGUAGE JAVA
NAME 'ValidadorDocumentos.validarEmail(java.lang.String) return java.lang.String';
/

SHOW ERRORS FUNCTION SEGURIDAD.FN_VALIDAR_EMAIL

GRANT EXECUTE ON "SEGURIDAD"."FN_VALIDAR_EMAIL" TO VENTAS;
