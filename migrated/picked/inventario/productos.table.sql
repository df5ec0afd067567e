CREATE TABLE inventario.productos (
	id_producto bigint NOT NULL,
	codigo_sku varchar(30) NOT NULL,
	descripcion varchar(200) NOT NULL,
	id_categoria integer NOT NULL,
	precio_venta decimal(12,4) NOT NULL DEFAULT 0,
	costo_promedio decimal(12,4) DEFAULT 0,
	grava_iva char(1) NOT NULL DEFAULT 'S',
	requiere_receta char(1) NOT NULL DEFAULT 'N',
	estado varchar(10) NOT NULL DEFAULT 'ACTIVO',
	fecha_modificacion timestamp,
	usuario_modificacion varchar(30)
) ;
