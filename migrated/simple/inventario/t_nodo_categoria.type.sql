-- Unsupported, please edit to match PostgreSQL syntax
CREATE OR REPLACE TYPE "INVENTARIO"."T_NODO_CATEGORIA" FORCE AS OBJECT
( id_categoria  NUMBER(6),
  nombre        VARCHAR2(100),
  nivel         NUMBER(2),
  ruta          VARCHAR2(1000),
  es_hoja       CHAR(1)
)
;
