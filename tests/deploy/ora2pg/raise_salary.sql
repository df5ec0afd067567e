-- A simple procedure for run_ora2pg.sh: NUMBER parameters must become numeric, not bigint.
CREATE OR REPLACE PROCEDURE raise_salary(p_emp_id IN NUMBER, p_pct IN NUMBER) IS
  v_salary NUMBER;
BEGIN
  SELECT salary INTO v_salary FROM employees WHERE emp_id = p_emp_id;
  UPDATE employees SET salary = NVL(v_salary, 0) * (1 + p_pct / 100) WHERE emp_id = p_emp_id;
END;
/
