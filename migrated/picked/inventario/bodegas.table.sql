CREATE TABLE inventario.bodegas (
	id_bodega integer NOT NULL,
	nombre varchar(100) NOT NULL,
	ciudad varchar(60),
	activa char(1) NOT NULL DEFAULT 'S'
) ;
