CREATE TYPE facturacion.t_varray_meses AS (t_varray_meses decimal(14,2)[12]);
