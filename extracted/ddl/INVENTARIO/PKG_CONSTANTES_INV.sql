--------------------------------------------------------
--  DDL for Package PKG_CONSTANTES_INV
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "INVENTARIO"."PKG_CONSTANTES_INV" IS
  PRAGMA SERIALLY_REUSABLE;
  -- Constantes de inventario. El estado se reinicia en cada llamada al servidor
  -- (SERIALLY_REUSABLE) para no retener memoria en las sesiones del pool.

  c_mov_ingreso     CONSTANT VARCHAR2(3) := 'ING';
  c_mov_egreso      CONSTANT VARCHAR2(3) := 'EGR';
  c_mov_reserva     CONSTANT VARCHAR2(3) := 'RES';
  c_mov_liberacion  CONSTANT VARCHAR2(3) := 'LIB';
  c_mov_ajuste      CONSTANT VARCHAR2(3) := 'AJU';

  c_bodega_matriz   CONSTANT NUMBER(6)   := 1;
  c_max_reintentos  CONSTANT PLS_INTEGER := 5;
  c_espera_seg      CONSTANT NUMBER      := 0.5;

  -- contador de reservas en la llamada actual (diagnóstico)
  g_reservas_llamada PLS_INTEGER := 0;
END pkg_constantes_inv;

/
