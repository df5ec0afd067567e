--------------------------------------------------------
--  DDL for Type T_NODO_CATEGORIA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TYPE "INVENTARIO"."T_NODO_CATEGORIA" FORCE AS OBJECT
( id_categoria  NUMBER(6),
  nombre        VARCHAR2(100),
  nivel         NUMBER(2),
  ruta          VARCHAR2(1000),
  es_hoja       CHAR(1)
);

/
--------------------------------------------------------
--  DDL for Type T_TAB_NODO_CATEGORIA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE TYPE "INVENTARIO"."T_TAB_NODO_CATEGORIA" AS TABLE OF inventario.t_nodo_categoria;

/
GRANT EXECUTE ON "INVENTARIO"."T_TAB_NODO_CATEGORIA" TO VENTAS;
