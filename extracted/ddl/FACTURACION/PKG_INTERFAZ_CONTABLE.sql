--------------------------------------------------------
--  DDL for Package PKG_INTERFAZ_CONTABLE
--  Proveedor: Contasoft S.A. - el cuerpo se entrega ofuscado (wrap) por contrato.
--  No modificar; solicitar cambios al proveedor (ticket de soporte).
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "FACTURACION"."PKG_INTERFAZ_CONTABLE" AS
  -- Interfaz con el ERP contable (CONTA@DBLINK_CONTABLE)
  -- Cuentas: 1.1.02.01 Clientes, 4.1.01.01 Ventas gravadas, 4.1.01.02 Ventas 0%, 2.1.05.01 IVA por pagar

  FUNCTION fn_cuenta_contable(p_concepto IN VARCHAR2, p_id_bodega IN NUMBER DEFAULT NULL) RETURN VARCHAR2;
  FUNCTION fn_centro_costo(p_id_bodega IN NUMBER) RETURN VARCHAR2;
  PROCEDURE generar_asientos(p_fecha IN DATE);
  PROCEDURE reversar_asiento(p_asiento IN NUMBER, p_motivo IN VARCHAR2);
END pkg_interfaz_contable;

/
--------------------------------------------------------
--  DDL for Package Body PKG_INTERFAZ_CONTABLE
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "FACTURACION"."PKG_INTERFAZ_CONTABLE" wrapped 
a000000
1
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
abcd
b
1f4c 8a1
a9wRdewUP8rCnpMabrO6uTIdhyKmcPnFGZTFcQPUer3AJjtb93p8wzu8bLtKuXVJWc4slMdI
0oxLmg1u579rovmXjienteNS28VoLNClTwTwNBuTN1+56L0tK2gun7ke4jdj3Gcq1UujcNdl
nFYF/apM0rLevxlPVfPAh1qXZW7BJwv85dXGK0z7cb3z94epoNXamwscVQ7+GSlh6tWMA7pj
mPurXXfqwVa5wiNCPE+7JjkGgAXNEFoMKcuzsVFZxT+pFOLPXkfrD43T4en+9rriLCT0ris6
XMsPdgctCIJwKcFQWV6PRxYxoPfbnouLW9o7DUyYZWCd3+X5FPLvKSccgr/3/Koz+jcooYzG
mUIOwaesbGJwxNLb9bZjtoL5YzHbX1+JoTIfwJdHNcRiJTnzdoUvsH23hr4PqJ2Ki2hXXf1L
9/bUxY/VL0s73MTsDxjA4D/s1Uc7zLZ2w8besSn3/Dc9n7JOVEjf4ltWJz+yiqIEis/UTjf9
0gfqCPdixNonAt+l/V3X6gFx7OcaXCJsq91AVMxt7G85KPD12Ne4/0wBHQloW4CyJNf9nj/G
qn4nZTrMN5ZajyMcHIzrKfz2J8Tb6q+6p4SieLUzQjEq0aCwlUbOKXdUAtTQvnPR2mmJvFma
HiBijSO7cqqY0qB+gMs7Uq/89uCY1bB1UhBQqbavI4XGSWB5DFIV2hEEKquRl3t00X5T/4dw
IWvNyNZZkk7Fsf6of8S6Nzwd4/tZ5RpHOtlsogCE9GfgmS1Neubsf8/EjE7p/Q9CRnKlR79N
XAbtmUMIcU+tK/vVtUQwcJ6pdrY6cjk+lW72qIC759FGgcJ9xksCr9SqFgo5M4qwSa68+y1A
v6NkFih+UB1NyEGuRVnYSq2zKmdzlpt9nrswcqFUlfNISZr4eaikLMT6tc7JdEx2Yux6GTVi
lzVieLxB68L9bVvC6F6seZCab9DIV89YdKqRcdGe7JrjEllglafXrLxIReTZ7U92oO7GA9Rj
O2XRG42rht3LJvxC/fOk15f+g0KBELKBcfyMy1kePWvc/NAgkgUomhFVG/SPWI5sTwL9HgR1
RmP0S7bghzgMbVYWHoykfHNnGs5iAGIYYIGETQoFIvJFSFTGsOhkdHJkEOXZi4Y6DXaG6q1y
qSU3g0fFEyRZifQeQAqUFY7ieqHLbflsYgCF1EDyN3u9+7uBxNV2v1ZKeqtOAglYTrMBwytC
GNz0C1pyZsWUvLgnGba0Q9BvdH1onfBFDhGWlFXSoiOLlH6rK67SB6ygaraIcSOxjLMfBv50
2z/fODC5k7RJ0i7ZwrtWAiSDt6kxVreASBqeC2yiVi+aIY5o2sk9m5aJicBch2K2IbCjMoM5
3fQmszAj5h1BKZ/BL2fIj2xOYL/AnjFDhBJe8k48ezDNmGSYgwGeOHAWH6/KAoV11DAM90qF
c1c3ujzFH38iTaUyy6r/YNtztolwoBkONb+D6OPQOzDDoVjjmBHEl1HUWcow+NFYYLiQKvK1
eHqohzxr5BOBvv+BpM4ngauupxr8zFw8EkfDqAMwqSMz28zTNFJsKVWhGVVOnCxTEcKSfuR4
mcmJjIbA+4ZJMvrv9BLa6IZtACKewEy3ROwm4p4aDG10HJO9+Xcj0cwt9T3rdOtKt8A8XTT5
A3yve/N6e7WNyPOdpzlGYlJ4VCXqUWsRA5M3rgoOIIgtFbTByMgfutqkX8hKVF+vfff9DZGH
ZZXtAo9TzMh8ddIEvKVhZdM0+eBiLrPbl7OvL7uouzT0VLEOZZvDEPwgOw8h2dQSN25EjwDb
kRfaVxqoPFiDpeP+jMC13K3WD5kAt81VKb1nhOE1H1Tk2u5dgdyXy8gyVKUAUZ/ShlQ01Tsm
b+qYwVdHDNXaJjdCzyGK6jf51oDwQeDGcXPuw7HZf+QJcg8KhQRc8XFGgS2UBeauGMrD2DpP
ri1G16BPXnEaB/JUYS6wlagFI9CIhA6j8mwIEyZTd8ah5yekl6jpbjF4kYEKQp2cWJDENR7V
yNU434FfH/Y+GU+e8BArQ3H7ASxd/a1n8KP0N/ZBLykQQ+cYsvNIlwNzLPw1G9UjSFB6aJ1B
Db0m9NoY9lu8VvElSmvb9XHtXoHQ4D9oRV/FZSdgzpmCm0kG2UjhucbF/zBcwhSh0KRRFKaX
ZaId1YLvNEK8G+AKSAdT6uGILf7x4a8Kj5bzcXe4WgNoh7NVN8YLwSc3hA+7Gr7JqzJEqQ5t
KjWIFa6GrcEnD3ahRlmfWNzQ57DoqjiiBLwMC77+10epDf741iKvixUrLFwhUtBmt1M/wTGQ
sy3V0vbsMMH2DTGFI/UraQWzyM1ymdia9RYsVL/YsB7itdFrfRhg3G4mADnJkgEjxyRd1Xqz
sjTtDjz/MZD78aLxHYK7Ibxj5Sy2852q6o7UI4KdMKPcCo8medjIRq0fTWixb2mUYhKlvM0I
8Dlqcs7J/reiEjBGaK/cEujqOAyIwegsdzOMtxPJr4l23MNpprJI5xBFj3Jv1HsykwzKrqVs
OJPg3aBM8kmkAxH/kH8nyGYEhexps4NMhb6jaaKn22hIgefQ9EY0pTPtL8bNh3MgxUcn2Txx
sUSpzqzrt1H7gtlFLglWZ8YQAJPGBYNd61DsOMm9X3sETjh1oH0iAX5G0FVjK94/WPgq3deO
cDjBPtO0qVfY9PnvEa0iVtJfV0N8gt5r6kIvJ4IoGS6RQddCpYLeHIADYJrbSU9x94kG1k5E
X8g8d0rmKaezXBPxuApt42Jdjxkc9b2KoTkZGqICDgzYOajoxMgeGs6bc/LIc+wO2C3FuM6W
9yrb5Fsa+fRS+b2iik46+X/iCISTEBNgT0Dbz1cNiL8OybFYpalXVrNi0yyT63t1SUNDiuyV
oCoK7EyMiZcwcDnQpULdZXIyRjwHKOad40NIgzlOSkNKe8Mgv4I0dKztSqOu2xrZPSlzM5r5
KySElLJ0eI8QGB2gUDoaXT/0DjrQWV+/OPbA1QwNUmKLkpb7Syk/O2O1/qxR01w4nsDccy7t
7iJ/vbLXMGq83opCpNtqwTjWpq9sX6PZ9G0q8HmwrSHigM0Og3QaM11R071lNWsddZzyNWr8
PbetfsLrtv0AdG2vFo2ShvEpMJ+GqACTkLFN5jLbJ56qYhmePeumrCsQlxXtTljmdo5OeUFV
ZcJGrbSDT3HOiNCjinE8meveLkC+8vpNCqkV+hYAG3AO/aUlFRYpkGPPxeji1a+13MlvIbWW
h/5BdLNe4wJluLk+KsG7YhONuPvIUZYP18AdgaK31lYzZ+NtVyIjWEXOYEe7YMwvCozFjlWK
63t1lJLtho/XSt0xLg/4GU9Q0bnyo6piIKR5vXA8uatHOTAYvh7I4YqenMNzq0PkKR8w9uPO
wNbwpOU9IMvsdkq2CjM1qG1/UtBpoe52YtxSggedr6Y4jvXzP+wms3j1ZMpPbmZgJfUTjbg+
sq9h3iB76i9F3ZTw53nOtKlclwV1E/NRLylRHnlu4QmMYCNiadnwyrCi6hrRDpNrNXNnaB+x
EwvlgDwHq/dDe2z3pTh03GJF4eKh5Ff/LnDcigGzqSh5tq0/S4lA47+XZYA9JNf6o1qRdMW8

/
