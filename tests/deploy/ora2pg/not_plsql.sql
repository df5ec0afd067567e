-- Not PL/SQL: run_ora2pg.sh must report this file as failed and go on.
this is not a procedure (((
