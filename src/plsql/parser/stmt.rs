//! Statements, blocks and exception handlers.

use sqlparser::tokenizer::Token;

use super::{PResult, Parser, RunOn, Stops};
use crate::plsql::ast::{
    Block, Declaration, Fragment, Handler, LoopKind, SqlStatement, Statement, StatementItem,
};

/// Words that end a statement list: they belong to the enclosing construct.
pub(super) const LIST_END: &[&str] =
    &["END", "ELSE", "ELSIF", "EXCEPTION", "WHEN", "$ELSE", "$ELSIF", "$END"];

/// Words that start embedded SQL.
const SQL_START: &[&str] = &["SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "LOCK"];

impl Parser<'_> {
    /// `BEGIN statements [EXCEPTION handlers] END [label] ;`, after the declarations.
    pub(super) fn block_body(
        &mut self,
        start: usize,
        declarations: Vec<Declaration>,
    ) -> PResult<Block> {
        let block = self.block_to_end(start, declarations)?;
        self.expect_semicolon()?;
        Ok(block)
    }

    /// Like [`Parser::block_body`] but stops after the `END` word, for the callers that
    /// read what follows it (compound trigger timing points).
    pub(super) fn block_to_end(
        &mut self,
        start: usize,
        declarations: Vec<Declaration>,
    ) -> PResult<Block> {
        self.expect_kw("BEGIN")?;
        let statements = self.statements();
        let handlers = if self.eat_kw("EXCEPTION") { self.handlers()? } else { Vec::new() };
        self.expect_kw("END")?;
        let end_label = match self.tok(0) {
            Some(tok) if matches!(tok.token, Token::Word(_)) && !self.at_end_of_compound() => {
                Some(self.ident()?)
            }
            _ => None,
        };
        let span = self.span_from(start);
        Ok(Block { declarations, statements, handlers, end_label, span })
    }

    /// `END BEFORE STATEMENT` in a compound trigger names a timing point, not a label.
    fn at_end_of_compound(&self) -> bool {
        self.at_any(&["BEFORE", "AFTER", "INSTEAD"])
    }

    pub(super) fn handlers(&mut self) -> PResult<Vec<Handler>> {
        let mut handlers = Vec::new();
        while self.at_kw("WHEN") {
            let start = self.pos;
            self.pos += 1;
            let mut exceptions = vec![self.qualified()?];
            while self.eat_kw("OR") {
                exceptions.push(self.qualified()?);
            }
            self.expect_kw("THEN")?;
            let statements = self.statements();
            handlers.push(Handler { exceptions, statements, span: self.span_from(start) });
        }
        Ok(handlers)
    }

    /// Statements up to a word of [`LIST_END`] or the end of the object.
    pub(super) fn statements(&mut self) -> Vec<Statement> {
        let mut statements = Vec::new();
        while !self.at_end() && !self.at_any(LIST_END) {
            if self.eat_tok(&Token::SemiColon) {
                continue;
            }
            statements.push(self.statement());
        }
        statements
    }

    fn statement(&mut self) -> Statement {
        let start = self.pos;
        self.stats.statements += 1;
        let mut labels = Vec::new();
        let item = match self.labels(&mut labels).and_then(|()| self.statement_item()) {
            Ok(item) => item,
            Err(error) => {
                self.recover(start);
                self.stats.unparsed_statements += 1;
                let text = self.text_from(start);
                self.errors.push(error.clone());
                StatementItem::Unparsed { text, error: error.message }
            }
        };
        Statement { labels, span: self.span_from(start), item }
    }

    fn labels(&mut self, labels: &mut Vec<crate::plsql::ast::Ident>) -> PResult<()> {
        while self.eat_tok(&Token::ShiftLeft) {
            labels.push(self.ident()?);
            self.expect_tok(&Token::ShiftRight)?;
        }
        Ok(())
    }

    fn statement_item(&mut self) -> PResult<StatementItem> {
        let Some(word) = self.word_at(0).map(str::to_ascii_uppercase) else {
            return self.assignment_or_call();
        };
        let item = match word.as_str() {
            "NULL" if self.tok(1).is_some_and(|t| t.token == Token::SemiColon) => {
                self.pos += 1;
                StatementItem::Null
            }
            "IF" => return self.if_statement(),
            "CASE" => return self.case_statement(),
            "LOOP" | "WHILE" | "FOR" => return self.loop_statement(),
            "FORALL" => return self.forall(),
            "DECLARE" | "BEGIN" => {
                let start = self.pos;
                self.eat_kw("DECLARE");
                let declarations = self.declarations(&[]);
                return Ok(StatementItem::Block(self.block_body(start, declarations)?));
            }
            "$IF" | "$ERROR" => {
                return Ok(StatementItem::Conditional(self.conditional(|p| p.statements())?));
            }
            "EXIT" | "CONTINUE" => {
                self.pos += 1;
                let label = if self.word_at(0).is_some() && !self.at_kw("WHEN") {
                    Some(self.ident()?)
                } else {
                    None
                };
                let when = if self.eat_kw("WHEN") {
                    Some(self.expr(Stops::default().ending_statement(), "a condition")?)
                } else {
                    None
                };
                StatementItem::Exit { continue_loop: word == "CONTINUE", label, when }
            }
            "GOTO" => {
                self.pos += 1;
                StatementItem::Goto { label: self.ident()? }
            }
            "RETURN" => {
                self.pos += 1;
                let value = if self.at_tok(&Token::SemiColon) || self.at_any(LIST_END) {
                    None
                } else {
                    Some(self.expr(Stops::default().ending_statement(), "a value")?)
                };
                StatementItem::Return { value }
            }
            "RAISE" => {
                self.pos += 1;
                let exception =
                    if self.at_tok(&Token::SemiColon) { None } else { Some(self.qualified()?) };
                StatementItem::Raise { exception }
            }
            "OPEN" => return self.open(),
            "FETCH" => return self.fetch(),
            "CLOSE" => {
                self.pos += 1;
                let cursor = self.expr(Stops::default().ending_statement(), "a cursor")?;
                StatementItem::Close { cursor }
            }
            "EXECUTE" if self.at_kw_n(1, "IMMEDIATE") => return self.execute_immediate(),
            "PIPE" if self.at_kw_n(1, "ROW") => {
                self.pos += 2;
                StatementItem::PipeRow {
                    value: self.expr(Stops::default().ending_statement(), "a row")?,
                }
            }
            "COMMIT" => {
                self.scan(Stops::default());
                StatementItem::Commit
            }
            "ROLLBACK" => {
                self.pos += 1;
                self.eat_kw("WORK");
                let savepoint = if self.eat_kw("TO") {
                    self.eat_kw("SAVEPOINT");
                    Some(self.ident()?)
                } else {
                    None
                };
                StatementItem::Rollback { savepoint }
            }
            "SAVEPOINT" => {
                self.pos += 1;
                StatementItem::Savepoint { name: self.ident()? }
            }
            "SET" if self.at_kw_n(1, "TRANSACTION") => StatementItem::Sql(self.sql_statement()?),
            _ if self.at_any(SQL_START) && !self.at_tok_n(1, &Token::Assignment) => {
                StatementItem::Sql(self.sql_statement()?)
            }
            _ => return self.assignment_or_call(),
        };
        self.expect_semicolon()?;
        Ok(item)
    }

    fn at_tok_n(&self, ahead: usize, token: &Token) -> bool {
        self.tok(ahead).is_some_and(|t| &t.token == token)
    }

    fn assignment_or_call(&mut self) -> PResult<StatementItem> {
        let start = self.pos;
        if !matches!(
            self.tok(0).map(|t| &t.token),
            Some(Token::Word(_) | Token::Colon | Token::LParen)
        ) {
            return Err(self.error_here("a statement"));
        }
        let stops = Stops { assign: true, ..Stops::default() }.ending_statement();
        let target = self.expr(stops, "a statement")?;
        if self.eat_tok(&Token::Assignment) {
            let value = self.expr(Stops::default().ending_statement(), "a value")?;
            self.expect_semicolon()?;
            return Ok(StatementItem::Assignment { target, value });
        }
        let end = self.pos;
        self.pos = start;
        self.eat_tok(&Token::Colon);
        if self.at_tok(&Token::LParen) {
            // `(self AS parent_type).method(...)`: the name is the method after the cast.
            self.skip_parens()?;
            self.expect_tok(&Token::Period)?;
        }
        let name = self.qualified()?;
        let mut arguments = Vec::new();
        if self.pos < end && self.eat_tok(&Token::LParen) {
            if !self.at_tok(&Token::RParen) {
                arguments = self.expr_list(&[], "an argument")?;
            }
            self.expect_tok(&Token::RParen)?;
        }
        self.pos = end;
        self.expect_semicolon()?;
        Ok(StatementItem::Call { name, arguments, text: target })
    }

    fn if_statement(&mut self) -> PResult<StatementItem> {
        let mut branches = Vec::new();
        self.expect_kw("IF")?;
        loop {
            let stops = Stops::words(&["THEN"]).ending_statement();
            let condition = self.expr(stops, "a condition")?;
            self.expect_kw("THEN")?;
            branches.push((condition, self.statements()));
            if !self.eat_kw("ELSIF") {
                break;
            }
        }
        let otherwise = if self.eat_kw("ELSE") { Some(self.statements()) } else { None };
        self.expect_kw("END")?;
        self.expect_kw("IF")?;
        self.expect_semicolon()?;
        Ok(StatementItem::If { branches, otherwise })
    }

    fn case_statement(&mut self) -> PResult<StatementItem> {
        self.expect_kw("CASE")?;
        let selector = if self.at_kw("WHEN") {
            None
        } else {
            Some(self.expr(Stops::words(&["WHEN"]).ending_statement(), "a selector")?)
        };
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let value = self.expr(Stops::words(&["THEN"]).ending_statement(), "a condition")?;
            self.expect_kw("THEN")?;
            whens.push((value, self.statements()));
        }
        let otherwise = if self.eat_kw("ELSE") { Some(self.statements()) } else { None };
        self.expect_kw("END")?;
        self.expect_kw("CASE")?;
        if !self.at_tok(&Token::SemiColon) {
            self.ident()?;
        }
        self.expect_semicolon()?;
        Ok(StatementItem::Case { selector, whens, otherwise })
    }

    fn loop_statement(&mut self) -> PResult<StatementItem> {
        let kind = if self.eat_kw("WHILE") {
            let stops = Stops::words(&["LOOP"]).ending_statement();
            LoopKind::While { condition: self.expr(stops, "a condition")? }
        } else if self.eat_kw("FOR") {
            self.for_header()?
        } else {
            LoopKind::Basic
        };
        self.expect_kw("LOOP")?;
        let body = self.statements();
        self.expect_kw("END")?;
        self.expect_kw("LOOP")?;
        let end_label = if self.at_tok(&Token::SemiColon) || self.at_end() {
            None
        } else {
            Some(self.ident()?)
        };
        self.expect_semicolon()?;
        Ok(StatementItem::Loop { kind, body, end_label })
    }

    fn for_header(&mut self) -> PResult<LoopKind> {
        let index = self.ident()?;
        self.expect_kw("IN")?;
        let reverse = self.eat_kw("REVERSE");
        if self.at_tok(&Token::LParen) && self.at_any_n(1, &["SELECT", "WITH"]) {
            self.pos += 1;
            // The scan stops at the `)` that closes the query.
            let query = self.sql_statement()?;
            self.expect_tok(&Token::RParen)?;
            let query = Some(Box::new(query));
            return Ok(LoopKind::Cursor { record: index, cursor: None, query });
        }
        let start = self.scan(Stops::words(&["LOOP"]));
        if start == self.pos {
            return Err(self.error_here("a range or a cursor"));
        }
        let bounds = self.fragment(start, self.pos);
        if self.has_range_dots(start) || reverse {
            return Ok(LoopKind::Range { index, reverse, bounds });
        }
        Ok(LoopKind::Cursor { record: index, cursor: Some(bounds), query: None })
    }

    /// Whether tokens `start..pos` hold `..` outside parentheses.
    fn has_range_dots(&self, start: usize) -> bool {
        let mut depth = 0i32;
        self.toks[start..self.pos].windows(2).any(|w| {
            match w[0].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            depth == 0 && w[0].token == Token::Period && w[1].token == Token::Period
        })
    }

    fn forall(&mut self) -> PResult<StatementItem> {
        self.expect_kw("FORALL")?;
        let index = self.ident()?;
        self.expect_kw("IN")?;
        let mut stops = vec!["SAVE", "EXECUTE"];
        stops.extend_from_slice(SQL_START);
        let bounds = self.expr(Stops::words(&stops), "bounds")?;
        let save_exceptions = self.eat_kw("SAVE");
        if save_exceptions {
            self.expect_kw("EXCEPTIONS")?;
        }
        let statement = Box::new(self.statement());
        Ok(StatementItem::Forall { index, bounds, save_exceptions, statement })
    }

    fn open(&mut self) -> PResult<StatementItem> {
        self.expect_kw("OPEN")?;
        let cursor = self.expr(Stops::words(&["FOR"]), "a cursor")?;
        let (mut query, mut dynamic, mut using) = (None, None, Vec::new());
        if self.eat_kw("FOR") {
            if self.at_any(&["SELECT", "WITH"]) || self.at_tok(&Token::LParen) {
                query = Some(self.sql_statement_stopping_at(&["USING"])?);
            } else {
                dynamic = Some(self.expr(Stops::words(&["USING"]), "a query")?);
            }
            if self.eat_kw("USING") {
                using = self.bind_arguments(&[])?;
            }
        }
        self.expect_semicolon()?;
        Ok(StatementItem::Open { cursor, query, dynamic, using })
    }

    /// `[IN | OUT | IN OUT] expr, ...` after `USING`.
    fn bind_arguments(&mut self, stops: &[&str]) -> PResult<Vec<Fragment>> {
        let mut items = Vec::new();
        loop {
            items.push(self.expr(Stops::words(stops).with_comma(), "a bind argument")?);
            if !self.eat_tok(&Token::Comma) {
                return Ok(items);
            }
        }
    }

    fn fetch(&mut self) -> PResult<StatementItem> {
        self.expect_kw("FETCH")?;
        let cursor = self.expr(Stops::words(&["INTO", "BULK"]), "a cursor")?;
        let bulk_collect = self.eat_kw("BULK");
        if bulk_collect {
            self.expect_kw("COLLECT")?;
        }
        self.expect_kw("INTO")?;
        let into = self.expr_list(&["LIMIT"], "a target")?;
        let limit =
            if self.eat_kw("LIMIT") { Some(self.expr(Stops::default(), "a limit")?) } else { None };
        self.expect_semicolon()?;
        Ok(StatementItem::Fetch { cursor, bulk_collect, into, limit })
    }

    fn execute_immediate(&mut self) -> PResult<StatementItem> {
        self.pos += 2;
        const CLAUSES: &[&str] = &["INTO", "BULK", "USING", "RETURNING", "RETURN"];
        let sql = self.expr(Stops::words(CLAUSES), "a statement string")?;
        let (mut bulk_collect, mut into, mut using, mut returning_into) =
            (false, Vec::new(), Vec::new(), Vec::new());
        while !self.at_end() && !self.at_tok(&Token::SemiColon) {
            if self.eat_kw("USING") {
                using = self.bind_arguments(CLAUSES)?;
            } else if self.eat_kw("RETURNING") || self.eat_kw("RETURN") {
                let _ = self.eat_kw("BULK") && self.eat_kw("COLLECT");
                self.expect_kw("INTO")?;
                returning_into = self.expr_list(CLAUSES, "a target")?;
            } else {
                bulk_collect |= self.eat_kw("BULK") && self.eat_kw("COLLECT");
                self.expect_kw("INTO")?;
                into = self.expr_list(CLAUSES, "a target")?;
            }
        }
        self.expect_semicolon()?;
        Ok(StatementItem::ExecuteImmediate { sql, bulk_collect, into, using, returning_into })
    }

    /// Embedded SQL from here to the `;` that ends it (not consumed).
    pub(super) fn sql_statement(&mut self) -> PResult<SqlStatement> {
        self.sql_statement_stopping_at(&[])
    }

    fn sql_statement_stopping_at(&mut self, stops: &[&str]) -> PResult<SqlStatement> {
        let query = self.at_any(&["SELECT", "WITH"]) || self.at_tok(&Token::LParen);
        let run_on = RunOn::Sql { query, merge: self.at_kw("MERGE") };
        let start = self.scan(Stops { run_on: Some(run_on), ..Stops::words(stops) });
        if start == self.pos {
            return Err(self.error_here("an SQL statement"));
        }
        Ok(self.analyse_sql(start, self.pos))
    }

    pub(super) fn analyse_sql(&mut self, start: usize, end: usize) -> SqlStatement {
        let toks = &self.toks[start..end];
        if let Some((at, expected)) = crate::plsql::embedded_sql::missing_part(toks) {
            // The statement is kept: what it reads and writes is still worth having.
            let error = self.error_at(start + at, expected);
            self.errors.push(error);
        }
        let sql = crate::plsql::embedded_sql::analyse(self.text, toks);
        match sql.path {
            crate::plsql::ast::SqlPath::Sqlparser => self.stats.sql_by_sqlparser += 1,
            crate::plsql::ast::SqlPath::TokenFallback => self.stats.sql_by_fallback += 1,
        }
        sql
    }
}
