//! Blocks, declarations and statements, written again from the parse tree.
//!
//! Most PL/SQL statements have a PL/pgSQL twin with the same keywords;
//! what differs is written here: calls become `CALL` (PL/SQL calls only
//! procedures as statements), built-in procedures their PostgreSQL
//! counterparts, user exceptions SQLSTATEs, cursor declarations
//! `name CURSOR FOR`, `FORALL` a loop, `PIPE ROW` `RETURN NEXT`.
//! Comments between statements are kept at their place.

use sqlparser::tokenizer::Token;

use super::catalog::{self, TypeDef};
use super::cx::{pg_name, Cx, ROWCOUNT};
use super::errors;
use super::text::{self, quote_literal, safe_comment_body, Item};
use super::unit::INITIALIZE;
use super::NoteKind;
use crate::plsql::ast::{
    Block, Comment, Conditional, Declaration, DeclarationItem, Fragment, Handler, LoopKind,
    Parameter, ParameterMode, QualifiedName, SqlKind, Statement, StatementItem, SubprogramKind,
};

/// Writes PL/pgSQL text with indentation, placing the source's comments.
pub(super) struct Writer<'w, 'c> {
    pub cx: &'w mut Cx<'c>,
    pub out: String,
    pub indent: usize,
    comments: &'w [Comment],
    next_comment: usize,
    /// Keep `SQL%ROWCOUNT` up to date after every SQL statement.
    pub track_rowcount: bool,
    /// What `RETURN;` becomes in a trigger function.
    pub trigger_return: Option<String>,
    /// How many enclosing blocks have exception handlers: PostgreSQL
    /// refuses COMMIT and ROLLBACK inside any of them.
    handler_blocks: usize,
    /// A statement to write first in the next block (the call of a
    /// package's initialisation in each of its routines).
    pub opening: Option<String>,
}

impl<'w, 'c> Writer<'w, 'c> {
    pub fn new(cx: &'w mut Cx<'c>, comments: &'w [Comment]) -> Writer<'w, 'c> {
        Writer {
            cx,
            out: String::new(),
            indent: 0,
            comments,
            next_comment: 0,
            track_rowcount: false,
            trigger_return: None,
            handler_blocks: 0,
            opening: None,
        }
    }

    /// One line, or several: continuation lines keep their layout relative
    /// to each other, shifted under the first.
    pub fn line(&mut self, text: &str) {
        let pad = "    ".repeat(self.indent);
        for pending in std::mem::take(&mut self.cx.pending) {
            self.out.push_str(&format!("{pad}{pending}\n"));
        }
        let quoted = text::quoted_breaks(text);
        let mut lines = text.split('\n');
        let Some(first) = lines.next() else {
            self.out.push('\n');
            return;
        };
        // A line a string literal goes on from, or into, keeps every space.
        let kept = |n: usize, l: &str| match quoted.get(n).copied().unwrap_or(false) {
            true => l.trim_end_matches('\r').to_owned(),
            false => l.trim_end().to_owned(),
        };
        self.out.push_str(&pad);
        self.out.push_str(&kept(0, first));
        self.out.push('\n');
        let rest: Vec<&str> = lines.collect();
        let common = rest
            .iter()
            .enumerate()
            .filter(|(n, l)| !l.trim().is_empty() && !quoted[*n])
            .map(|(_, l)| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        for (n, l) in rest.into_iter().enumerate() {
            if quoted[n] {
                // Inside a literal: as it is.
                self.out.push_str(&kept(n + 1, l));
            } else if !l.trim().is_empty() {
                self.out.push_str(&pad);
                self.out.push_str("    ");
                self.out.push_str(&kept(n + 1, l.get(common..).unwrap_or(l.trim_start())));
            }
            self.out.push('\n');
        }
    }

    /// Writes the comments that start before `offset`, and skips those
    /// inside what was already written.
    pub fn comments_before(&mut self, offset: u32) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= offset {
                break;
            }
            self.next_comment += 1;
            let text = if c.block {
                format!("/*{}*/", safe_comment_body(&c.text))
            } else {
                format!("--{}", c.text)
            };
            self.line(&text);
        }
    }

    pub fn skip_comments_before(&mut self, offset: u32) {
        while self.comments.get(self.next_comment).is_some_and(|c| c.span.start < offset) {
            self.next_comment += 1;
        }
    }

    // Declarations.

    /// The lines of a DECLARE section (without the keyword).
    pub fn declarations(&mut self, declarations: &[Declaration]) -> Vec<String> {
        let mut lines = Vec::new();
        let declaring = std::mem::replace(&mut self.cx.declaring, true);
        for d in declarations {
            self.comment_lines_before(d.span.start, &mut lines);
            self.declaration(d, &mut lines);
            self.skip_comments_before(d.span.end);
        }
        self.cx.declaring = declaring;
        lines
    }

    /// The comments before `offset` not yet written, as lines.
    fn comment_lines_before(&mut self, offset: u32, lines: &mut Vec<String>) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= offset {
                break;
            }
            self.next_comment += 1;
            lines.push(if c.block {
                format!("/*{}*/", safe_comment_body(&c.text))
            } else {
                format!("--{}", c.text)
            });
        }
    }

    fn declaration(&mut self, d: &Declaration, lines: &mut Vec<String>) {
        let line = d.span.line;
        match &d.item {
            DeclarationItem::Variable { name, constant, datatype, not_null, default } => {
                self.remember_array(&name.canonical(), datatype);
                self.cx.remember_object(name, datatype);
                let pg_type = self.cx.datatype(datatype);
                self.cx.declare_typed(name, &pg_type);
                let mut text = pg_name(&name.canonical());
                if *constant {
                    text.push_str(" CONSTANT");
                }
                text.push(' ');
                text.push_str(&pg_type);
                if *not_null {
                    text.push_str(" NOT NULL");
                }
                if let Some(default) = default {
                    text.push_str(" := ");
                    text.push_str(&self.cx.expr(default));
                }
                text.push(';');
                lines.push(text);
            }
            DeclarationItem::Exception { name } => {
                let unit = self.cx.package.clone().unwrap_or_else(|| self.cx.schema.clone());
                let state = errors::declared_state(&unit, name);
                self.cx.scope().exceptions.insert(name.canonical(), state.clone());
                lines.push(format!(
                    "-- exception {}: raised and caught as SQLSTATE '{state}'",
                    name.text
                ));
            }
            DeclarationItem::Pragma { name, arguments } => {
                if let Some((exception, state)) = errors::exception_init(name, arguments) {
                    self.cx.scope().exceptions.insert(exception.clone(), state.clone());
                    lines.push(format!(
                        "-- {} is SQLSTATE '{state}' (PRAGMA EXCEPTION_INIT)",
                        exception.to_ascii_lowercase()
                    ));
                    return;
                }
                match name.canonical().as_str() {
                    "AUTONOMOUS_TRANSACTION" if self.cx.autonomous => self.cx.note(
                        line,
                        NoteKind::Review,
                        "PRAGMA AUTONOMOUS_TRANSACTION: the routine of this name runs this body \
                         over a dblink connection of its own, which commits apart from the \
                         caller. It is another session: package variables there are its own \
                         (and its package initialisation runs again), and a row the caller has \
                         locked makes it wait 10 s and fail, where Oracle raises ORA-00060 at \
                         once. It needs the dblink extension and, except for a superuser on the \
                         same server, the setting autonomous.connection naming a dblink_fdw \
                         server with a user mapping (whose role sets search_path and \
                         lock_timeout)",
                    ),
                    "AUTONOMOUS_TRANSACTION" => self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "PRAGMA AUTONOMOUS_TRANSACTION with OUT parameters, or in a trigger: this \
                         runs in the caller's transaction",
                    ),
                    "SERIALLY_REUSABLE" => self.cx.note(
                        line,
                        NoteKind::Review,
                        "SERIALLY_REUSABLE: package state now lasts the session",
                    ),
                    _ => {}
                }
            }
            DeclarationItem::Type { name, kind, definition } => {
                let Some(def) = catalog::type_def(*kind, definition) else {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        format!("type {} not read", name.text),
                    );
                    return;
                };
                if let TypeDef::Record { fields } = &def {
                    let qualified = self.cx.local_type_name(&name.canonical());
                    let preamble = self.composite_type(&qualified, fields);
                    self.cx.preamble.push(preamble);
                }
                self.cx.scope().types.insert(name.canonical(), def);
            }
            DeclarationItem::Subtype { name, definition } => {
                let package = self.cx.package.clone();
                self.cx
                    .scope()
                    .types
                    .insert(name.canonical(), catalog::subtype(definition, package));
            }
            DeclarationItem::Cursor { name, parameters, query, .. } => {
                self.cx.declare(name);
                self.cx.scope().cursors.insert(name.canonical());
                let Some(query) = query else {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "a cursor declared without its query",
                    );
                    return;
                };
                let params = if parameters.is_empty() {
                    String::new()
                } else {
                    let list: Vec<String> =
                        parameters.iter().map(|p| self.cursor_parameter(p)).collect();
                    format!(" ({})", list.join(", "))
                };
                let sql = self.cx.sql(query);
                lines.push(format!("{} CURSOR{params} FOR {sql};", pg_name(&name.canonical())));
            }
            DeclarationItem::Subprogram(s) => {
                let hoisted = self.cx.hoistable.contains_key(&s.span.start);
                if s.body.is_some() && !hoisted {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        format!(
                            "nested {} {}: PL/pgSQL has no nested routines; not translated",
                            if s.return_type.is_some() { "function" } else { "procedure" },
                            s.name.last().text
                        ),
                    );
                }
            }
            DeclarationItem::Conditional(c) => {
                let chosen = self.conditional_branch(c, line);
                for d in chosen {
                    self.declaration(d, lines);
                }
            }
            DeclarationItem::Unparsed { text, error } => {
                self.cx.note(
                    line,
                    NoteKind::Unsupported,
                    format!("declaration not parsed: {error}"),
                );
                lines.push(text.trim().to_owned());
            }
        }
    }

    fn cursor_parameter(&mut self, p: &Parameter) -> String {
        self.cx.declare(&p.name);
        format!("{} {}", pg_name(&p.name.canonical()), self.cx.datatype(&p.datatype))
    }

    /// Notes that `name` holds an array when its type is one, and which
    /// of its fields do when it is a record.
    pub fn remember_array(&mut self, name: &str, datatype: &Fragment) {
        match self.resolved(datatype) {
            Some(TypeDef::Array { element, .. }) => {
                self.cx.scope().arrays.insert(name.to_owned(), element);
            }
            Some(TypeDef::StringIndexed { element, .. }) => {
                self.cx.scope().maps.insert(name.to_owned(), element);
            }
            // The array attributes of an object, as `R.FIELD`.
            Some(TypeDef::Object) => {
                let items = text::items(datatype).map(|i| i.items).unwrap_or_default();
                let Some(object) = items.iter().filter_map(Item::name).next_back() else { return };
                for (field, datatype) in self.cx.catalog.attribute_types(&object) {
                    if let Some(TypeDef::Array { element, .. }) = self.resolved(&datatype) {
                        let key = format!("{name}.{field}");
                        self.cx.scope().arrays.insert(key, element);
                    }
                }
            }
            // The array fields of a record, as `R.FIELD`; a package's
            // record names its package's types without the package.
            Some(TypeDef::Record { fields }) => {
                let items = text::items(datatype).map(|i| i.items).unwrap_or_default();
                let parts: Vec<String> = items.iter().filter_map(Item::name).collect();
                let package = match parts.as_slice() {
                    [.., package, _] => Some(package.clone()),
                    _ => None,
                };
                for (field, datatype) in fields {
                    let mut resolved = self.resolved(&datatype);
                    if let (None, Some(package)) = (&resolved, &package) {
                        let text = format!("{package}.{}", datatype.text.trim());
                        resolved = self.resolved(&Fragment { text, span: datatype.span });
                    }
                    if let Some(TypeDef::Array { element, .. }) = resolved {
                        let key = format!("{name}.{}", field.to_ascii_uppercase());
                        self.cx.scope().arrays.insert(key, element);
                    }
                }
            }
            _ => {}
        }
    }

    /// The type `datatype` names, through any subtypes.
    fn resolved(&self, datatype: &Fragment) -> Option<TypeDef> {
        let mut datatype = datatype.clone();
        // A bound, should subtypes name each other in a circle.
        for _ in 0..16 {
            let items = text::items(&datatype).ok()?;
            let parts: Vec<String> = items.items.iter().filter_map(Item::name).collect();
            match self.cx.type_def(&parts).map(|(_, d)| d)? {
                TypeDef::Alias { of, .. } => datatype = of,
                def => return Some(def),
            }
        }
        None
    }

    /// `CREATE TYPE` for a record type, safe to run twice.
    pub fn composite_type(&mut self, qualified: &str, fields: &[(String, Fragment)]) -> String {
        self.cx.no_anchors = true;
        let columns: Vec<String> = fields
            .iter()
            .map(|(name, datatype)| {
                format!("{} {}", pg_name(&name.to_ascii_uppercase()), self.cx.datatype(datatype))
            })
            .collect();
        self.cx.no_anchors = false;
        format!(
            "DO $type$ BEGIN\n    CREATE TYPE {qualified} AS ({});\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $type$;\n",
            columns.join(", ")
        )
    }

    /// The branch of a `$IF` that is translated: its `$ELSE`, or else the
    /// first; PostgreSQL has no conditional compilation.
    fn conditional_branch<'t, T>(&mut self, c: &'t Conditional<T>, line: u32) -> &'t [T] {
        if let Some(error) = &c.error {
            self.cx.note(line, NoteKind::Review, format!("$ERROR {} left out", error.text.trim()));
            return &[];
        }
        self.cx.note(
            line,
            NoteKind::Review,
            "conditional compilation: only the $ELSE branch (or the first) was translated",
        );
        match (&c.otherwise, c.branches.first()) {
            (Some(otherwise), _) => otherwise,
            (None, Some((_, first))) => first,
            (None, None) => &[],
        }
    }

    // Blocks and statements.

    /// `[DECLARE ...] BEGIN ... [EXCEPTION ...] END;` of a nested block.
    pub fn block(&mut self, block: &Block, label: Option<&str>) {
        self.cx.push_scope();
        let declarations = self.declarations(&block.declarations);
        if !declarations.is_empty() {
            self.line("DECLARE");
            self.indent += 1;
            for d in &declarations {
                self.line(d);
            }
            self.indent -= 1;
        }
        self.body(block);
        match label {
            Some(label) => self.line(&format!("END {label};")),
            None => self.line("END;"),
        }
        self.cx.pop_scope();
    }

    /// `BEGIN statements [EXCEPTION handlers]`, without the END.
    pub fn body(&mut self, block: &Block) {
        let guarded = !block.handlers.is_empty();
        self.handler_blocks += usize::from(guarded);
        self.line("BEGIN");
        self.indent += 1;
        if let Some(opening) = self.opening.take() {
            self.line(&opening);
        }
        self.statements(&block.statements);
        self.indent -= 1;
        self.handlers(&block.handlers);
        self.handler_blocks -= usize::from(guarded);
        self.comments_before(block.span.end);
    }

    /// `EXCEPTION` and the handlers, if there are any.
    pub fn handlers(&mut self, handlers: &[Handler]) {
        if handlers.is_empty() {
            return;
        }
        self.line("EXCEPTION");
        self.indent += 1;
        for h in handlers {
            self.handler(h);
        }
        self.indent -= 1;
    }

    fn handler(&mut self, h: &Handler) {
        self.comments_before(h.span.start);
        let conditions: Vec<String> = h.exceptions.iter().map(|e| self.condition(e)).collect();
        self.line(&format!("WHEN {} THEN", conditions.join(" OR ")));
        self.indent += 1;
        self.cx.in_handler += 1;
        self.statements(&h.statements);
        self.cx.in_handler -= 1;
        if let Some(ret) = self.trigger_return.clone() {
            let raises = h.statements.last().is_some_and(|s| {
                matches!(s.item, StatementItem::Raise { .. } | StatementItem::Return { .. })
            });
            if !raises {
                self.line(&format!("RETURN {ret};"));
            }
        }
        self.indent -= 1;
    }

    /// A handler's condition: a PostgreSQL condition name or a SQLSTATE.
    fn condition(&mut self, name: &QualifiedName) -> String {
        let parts: Vec<String> = name.parts.iter().map(|p| p.canonical()).collect();
        if let [one] = parts.as_slice() {
            if let Some(pg) = errors::predefined(one) {
                return pg.to_owned();
            }
        }
        // The codes utl_file_utility raises.
        if parts.len() == 2 && parts[0] == "UTL_FILE" {
            let state = match parts[1].as_str() {
                "INVALID_PATH" => Some("UF001"),
                "INVALID_MODE" => Some("UF002"),
                "INVALID_FILEHANDLE" => Some("UF003"),
                "INVALID_OPERATION" => Some("UF004"),
                "INVALID_FILENAME" => Some("UF005"),
                "READ_ERROR" => Some("UF006"),
                "WRITE_ERROR" => Some("UF007"),
                "INVALID_MAXLINESIZE" => Some("UF008"),
                _ => None,
            };
            if let Some(state) = state {
                return format!("SQLSTATE '{state}'");
            }
        }
        // The codes utl_http_utility raises.
        if parts.len() == 2 && parts[0] == "UTL_HTTP" {
            match parts[1].as_str() {
                "END_OF_BODY" => return "SQLSTATE 'UH001'".to_owned(),
                "REQUEST_FAILED" | "TRANSFER_TIMEOUT" | "HTTP_SERVER_ERROR"
                | "HTTP_CLIENT_ERROR" => {
                    return "SQLSTATE 'UH002'".to_owned();
                }
                _ => {}
            }
        }
        match self.cx.exception_state(&parts) {
            Some(state) => format!("SQLSTATE '{state}'"),
            None => {
                let state = self.unknown_exception(name);
                format!("SQLSTATE '{state}'")
            }
        }
    }

    fn unknown_exception(&mut self, name: &QualifiedName) -> String {
        let unit = if name.parts.len() > 1 {
            name.parts[name.parts.len() - 2].canonical()
        } else {
            self.cx.package.clone().unwrap_or_else(|| self.cx.schema.clone())
        };
        let state = errors::declared_state(&unit, name.last());
        self.cx.note(
            name.span.line,
            NoteKind::Review,
            format!(
                "exception {} is not declared where the translator can see it; SQLSTATE '{state}' stands for it",
                name.canonical()
            ),
        );
        state
    }

    pub fn statements(&mut self, statements: &[Statement]) {
        for s in statements {
            self.statement(s);
        }
    }

    pub fn statement(&mut self, s: &Statement) {
        self.comments_before(s.span.start);
        let line = s.span.line;
        let labelled = matches!(s.item, StatementItem::Loop { .. } | StatementItem::Block(_));
        for label in &s.labels {
            if labelled {
                self.line(&format!("<<{}>>", pg_name(&label.canonical())));
            } else {
                self.cx.note(
                    line,
                    NoteKind::Unsupported,
                    format!(
                        "label <<{}>> on a statement other than a loop or block left out",
                        label.text
                    ),
                );
            }
        }
        match &s.item {
            StatementItem::Null => self.line("NULL;"),
            StatementItem::Assignment { target, value } => self.assignment(target, value),
            StatementItem::Call { name, arguments, text } => self.call(name, arguments, text),
            StatementItem::If { branches, otherwise } => {
                // Every condition first: what one needs run before it (a
                // GET DIAGNOSTICS) runs before the IF, not in a branch.
                let conditions: Vec<String> =
                    branches.iter().map(|(condition, _)| self.cx.expr(condition)).collect();
                for (i, ((_, body), condition)) in branches.iter().zip(conditions).enumerate() {
                    let keyword = if i == 0 { "IF" } else { "ELSIF" };
                    self.line(&format!("{keyword} {condition} THEN"));
                    self.nested(body);
                }
                if let Some(otherwise) = otherwise {
                    self.line("ELSE");
                    self.nested(otherwise);
                }
                self.line("END IF;");
            }
            StatementItem::Case { selector, whens, otherwise } => {
                let selector = selector.as_ref().map(|selector| self.cx.expr(selector));
                let conditions: Vec<String> =
                    whens.iter().map(|(when, _)| self.cx.expr(when)).collect();
                match selector {
                    Some(selector) => self.line(&format!("CASE {selector}")),
                    None => self.line("CASE"),
                }
                self.indent += 1;
                for ((_, body), when) in whens.iter().zip(conditions) {
                    self.line(&format!("WHEN {when} THEN"));
                    self.nested(body);
                }
                if let Some(otherwise) = otherwise {
                    self.line("ELSE");
                    self.nested(otherwise);
                }
                self.indent -= 1;
                self.line("END CASE;");
            }
            StatementItem::Loop { kind, body, end_label } => {
                self.loop_statement(kind, body, end_label.as_ref().map(|l| l.canonical()))
            }
            StatementItem::Exit { continue_loop, label, when } => {
                let mut text =
                    if *continue_loop { "CONTINUE".to_owned() } else { "EXIT".to_owned() };
                if let Some(label) = label {
                    text.push(' ');
                    text.push_str(&pg_name(&label.canonical()));
                }
                if let Some(when) = when {
                    text.push_str(" WHEN ");
                    text.push_str(&self.cx.expr(when));
                }
                text.push(';');
                self.line(&text);
            }
            StatementItem::Goto { label } => {
                self.cx.note(line, NoteKind::Unsupported, "GOTO has no PL/pgSQL equivalent");
                self.line(&format!("GOTO {};", label.text));
            }
            StatementItem::Return { value } => match (value, self.trigger_return.clone()) {
                (Some(value), _) => {
                    let value = self.cx.expr(value);
                    match self.cx.return_into.clone() {
                        Some(into) => {
                            self.line(&format!("{into} := {value};"));
                            self.line("RETURN;");
                        }
                        None => self.line(&format!("RETURN {value};")),
                    }
                }
                (None, Some(ret)) => self.line(&format!("RETURN {ret};")),
                (None, None) => match self.cx.bare_return.clone() {
                    Some(ret) => self.line(&format!("RETURN {ret};")),
                    None => self.line("RETURN;"),
                },
            },
            StatementItem::Raise { exception } => self.raise(exception.as_ref()),
            StatementItem::Open { cursor, query, dynamic, using } => {
                let cursor = self.cx.expr(cursor);
                match (query, dynamic) {
                    (Some(query), _) => {
                        let sql = self.cx.sql(query);
                        self.line(&format!("OPEN {cursor} FOR {sql};"));
                    }
                    (None, Some(dynamic)) => {
                        let sql = self.dynamic(dynamic);
                        let using = self.using(using);
                        self.line(&format!("OPEN {cursor} FOR EXECUTE {sql}{using};"));
                    }
                    (None, None) => self.line(&format!("OPEN {cursor};")),
                }
                if let Some(counter) = self.row_counter(&cursor) {
                    self.line(&format!("{counter} := 0;"));
                }
                if let Some(flag) = self.open_flag(&cursor) {
                    self.line(&format!("{flag} := true;"));
                }
            }
            StatementItem::Fetch { cursor, bulk_collect, into, limit } => {
                let cursor = self.cx.expr(cursor);
                let targets: Vec<String> = into.iter().map(|t| self.target(t)).collect();
                if *bulk_collect && self.fetch_bulk(&cursor, into, limit.as_ref()) {
                    // Written as a loop.
                } else if *bulk_collect {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "FETCH ... BULK COLLECT into several collections: rewrite it as a loop over the cursor",
                    );
                    let limit = limit
                        .as_ref()
                        .map(|l| format!(" LIMIT {}", l.text.trim()))
                        .unwrap_or_default();
                    self.line(&format!(
                        "FETCH {cursor} BULK COLLECT INTO {}{limit};",
                        targets.join(", ")
                    ));
                } else {
                    self.line(&format!("FETCH {cursor} INTO {};", targets.join(", ")));
                    if let Some(counter) = self.row_counter(&cursor) {
                        self.line(&format!("IF FOUND THEN {counter} := {counter} + 1; END IF;"));
                    }
                }
            }
            StatementItem::Close { cursor } => {
                let cursor = self.cx.expr(cursor);
                self.line(&format!("CLOSE {cursor};"));
                if let Some(flag) = self.open_flag(&cursor) {
                    self.line(&format!("{flag} := false;"));
                }
            }
            StatementItem::ExecuteImmediate { sql, bulk_collect, into, using, returning_into } => {
                let head =
                    sql.text.trim_start().trim_start_matches(['q', 'Q', '\'', '[', '{', '(']);
                let head = head.trim_start().to_ascii_uppercase();
                if head.starts_with("BEGIN") || head.starts_with("DECLARE") {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "EXECUTE IMMEDIATE of a PL/SQL block: PostgreSQL's EXECUTE runs SQL; the block \
                         needs translating and running with DO",
                    );
                }
                let dynamic = match self.dynamic_ddl(sql, line) {
                    Some(ddl) => ddl,
                    None => self.dynamic(sql),
                };
                let mut text = format!("EXECUTE {dynamic}");
                if !into.is_empty() {
                    if *bulk_collect {
                        self.cx.note(
                            line,
                            NoteKind::Unsupported,
                            "EXECUTE IMMEDIATE ... BULK COLLECT INTO",
                        );
                    }
                    let targets: Vec<String> = into.iter().map(|t| self.target(t)).collect();
                    text.push_str(&format!(" INTO STRICT {}", targets.join(", ")));
                }
                if !returning_into.is_empty() {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "EXECUTE IMMEDIATE ... RETURNING INTO: put RETURNING in the statement and use INTO",
                    );
                }
                text.push_str(&self.using(using));
                text.push(';');
                self.line(&text);
                self.after_sql();
            }
            StatementItem::Forall { index, bounds, save_exceptions, statement } => {
                if *save_exceptions {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "FORALL ... SAVE EXCEPTIONS: the first error stops the loop",
                    );
                }
                let bounds = self.forall_bounds(bounds, line);
                self.cx.push_scope();
                self.cx.declare(index);
                self.line(&format!("FOR {} IN {bounds} LOOP", pg_name(&index.canonical())));
                self.indent += 1;
                self.statement(statement);
                self.indent -= 1;
                self.line("END LOOP;");
                self.cx.pop_scope();
            }
            StatementItem::PipeRow { value } => {
                let value = self.cx.expr(value);
                self.line(&format!("RETURN NEXT {value};"));
            }
            // The connection an autonomous body runs over commits as the call
            // returns; PostgreSQL refuses a COMMIT in a function or under a
            // handler, so there it is left to the connection.
            StatementItem::Commit
                if self.cx.autonomous && (self.cx.in_function || self.handler_blocks > 0) =>
            {
                self.cx.note(
                    line,
                    NoteKind::Review,
                    "COMMIT left to the autonomous connection, which commits as the call \
                     returns: an error after this point undoes what ran before it too",
                );
                self.line("-- COMMIT: the autonomous connection commits as the call returns");
            }
            StatementItem::Commit => {
                self.transaction_in_handler_block("COMMIT", line);
                if self.cx.in_function {
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        "COMMIT inside a function: PostgreSQL allows it only in procedures",
                    );
                }
                self.line("COMMIT;");
            }
            StatementItem::Rollback { savepoint } => {
                match savepoint {
                    Some(sp) => {
                        self.cx.note(
                            line,
                            NoteKind::Unsupported,
                            "ROLLBACK TO SAVEPOINT: use a block with an EXCEPTION handler",
                        );
                        self.line(&format!("ROLLBACK TO SAVEPOINT {};", sp.text));
                    }
                    // A handler's block has undone its changes already.
                    None if self.cx.autonomous && self.cx.in_handler > 0 => {
                        self.cx.note(
                            line,
                            NoteKind::Review,
                            "ROLLBACK in a handler of an autonomous routine: PostgreSQL has \
                             undone the failed block; what ran before that block is not undone",
                        );
                        self.line("-- ROLLBACK: the failed block's changes are undone already");
                    }
                    None => {
                        if self.cx.in_function {
                            self.cx.note(line, NoteKind::Unsupported, "ROLLBACK inside a function: PostgreSQL allows it only in procedures");
                        }
                        self.line("ROLLBACK;");
                    }
                }
            }
            StatementItem::Savepoint { name } => {
                self.cx.note(
                    line,
                    NoteKind::Unsupported,
                    "SAVEPOINT: use a block with an EXCEPTION handler",
                );
                self.line(&format!("SAVEPOINT {};", name.text));
            }
            StatementItem::Sql(statement) => {
                let (statement, stores) = self.state_into_copies(statement);
                if statement.bulk_collect && statement.kind == SqlKind::Select {
                    self.bulk_select(&statement);
                } else {
                    let sql = self.cx.sql(&statement);
                    self.line(&format!("{sql};"));
                }
                if !matches!(statement.kind, SqlKind::Lock | SqlKind::Transaction) {
                    self.after_sql();
                }
                for store in stores {
                    self.line(&store);
                }
            }
            StatementItem::Block(block) => {
                let label = s.labels.first().map(|l| pg_name(&l.canonical()));
                self.block(block, label.as_deref());
            }
            StatementItem::Conditional(c) => {
                let chosen = self.conditional_branch(c, line);
                self.statements(chosen);
            }
            StatementItem::Unparsed { text, error } => {
                self.cx.note(line, NoteKind::Unsupported, format!("statement not parsed: {error}"));
                self.line(text.trim());
            }
        }
        self.skip_comments_before(s.span.end);
    }

    /// `FETCH c BULK COLLECT INTO v [LIMIT n]` as a loop appending to `v`,
    /// through a variable of its element type; false when `into` is not one
    /// known array.
    fn fetch_bulk(&mut self, cursor: &str, into: &[Fragment], limit: Option<&Fragment>) -> bool {
        let [target] = into else { return false };
        let name = target.text.trim().to_ascii_uppercase();
        let Some(element) = self.cx.array_element(&name).cloned() else { return false };
        let element = self.cx.datatype(&element);
        let var = pg_name(&name);
        let row = format!("{var}_row");
        self.cx.extra_declarations.insert(format!("{row} {element};"));
        self.line(&format!("{var} := ARRAY[]::{element}[];"));
        self.line("LOOP");
        self.indent += 1;
        if let Some(limit) = limit {
            let limit = self.cx.expr(limit);
            self.line(&format!("EXIT WHEN coalesce(cardinality({var}), 0) >= {limit};"));
        }
        self.line(&format!("FETCH {cursor} INTO {row};"));
        self.line("EXIT WHEN NOT FOUND;");
        self.line(&format!("{var} := array_append({var}, {row});"));
        if let Some(counter) = self.row_counter(cursor) {
            self.line(&format!("{counter} := {counter} + 1;"));
        }
        self.indent -= 1;
        self.line("END LOOP;");
        true
    }

    fn transaction_in_handler_block(&mut self, what: &str, line: u32) {
        if self.handler_blocks > 0 {
            self.cx.note(
                line,
                NoteKind::Unsupported,
                format!(
                    "{what} inside a block with an EXCEPTION handler: PostgreSQL refuses it \
                     (cannot commit while a subtransaction is active)"
                ),
            );
        }
    }

    fn nested(&mut self, body: &[Statement]) {
        self.indent += 1;
        self.statements(body);
        self.indent -= 1;
    }

    fn after_sql(&mut self) {
        if self.track_rowcount {
            self.line(&format!("GET DIAGNOSTICS {ROWCOUNT} = ROW_COUNT;"));
        }
    }

    fn loop_statement(&mut self, kind: &LoopKind, body: &[Statement], end_label: Option<String>) {
        self.cx.push_scope();
        // The declared cursor a cursor loop runs over (as written, maybe with
        // arguments).
        let mut looped = None;
        let head = match kind {
            LoopKind::Basic => "LOOP".to_owned(),
            LoopKind::While { condition } => format!("WHILE {} LOOP", self.cx.expr(condition)),
            LoopKind::Range { index, reverse, bounds } => {
                self.cx.declare(index);
                let (low, high) = self.range(bounds);
                let index = pg_name(&index.canonical());
                if *reverse {
                    format!("FOR {index} IN REVERSE {high}..{low} LOOP")
                } else {
                    format!("FOR {index} IN {low}..{high} LOOP")
                }
            }
            LoopKind::Cursor { record, cursor, query } => {
                let source = match (cursor, query) {
                    (Some(cursor), _) => {
                        let cursor = self.cx.expr(cursor);
                        looped = Some(cursor.clone());
                        cursor
                    }
                    (None, Some(query)) => {
                        self.cx.loop_records.insert(pg_name(&record.canonical()));
                        let sql = self.cx.sql(query);
                        strip_parens(&sql).to_owned()
                    }
                    (None, None) => String::new(),
                };
                self.cx.declare(record);
                format!("FOR {} IN {source} LOOP", pg_name(&record.canonical()))
            }
        };
        // A cursor loop counts its rows, and is open, where the cursor's
        // %ROWCOUNT or %ISOPEN is read.
        let counter = looped.as_deref().and_then(|c| self.row_counter(c));
        let flag = looped.as_deref().and_then(|c| self.open_flag(c));
        if let Some(counter) = &counter {
            self.line(&format!("{counter} := 0;"));
        }
        self.line(&head);
        self.indent += 1;
        if let Some(counter) = &counter {
            self.line(&format!("{counter} := {counter} + 1;"));
        }
        if let Some(flag) = &flag {
            self.line(&format!("{flag} := true;"));
        }
        self.indent -= 1;
        self.nested(body);
        match end_label {
            Some(label) => self.line(&format!("END LOOP {};", pg_name(&label))),
            None => self.line("END LOOP;"),
        }
        if let Some(flag) = &flag {
            self.line(&format!("{flag} := false;"));
        }
        self.cx.pop_scope();
    }

    /// The variable counting the rows of `cursor` (as written, maybe with
    /// arguments), when its %ROWCOUNT is read.
    fn row_counter(&self, cursor: &str) -> Option<String> {
        tracked(&self.cx.counted_cursors, cursor, "rowcount")
    }

    /// The variable that says whether `cursor` was opened by this routine,
    /// when its %ISOPEN is read.
    fn open_flag(&self, cursor: &str) -> Option<String> {
        tracked(&self.cx.open_cursors, cursor, "isopen")
    }

    /// `low .. high` of a range loop, each rewritten.
    fn range(&mut self, bounds: &Fragment) -> (String, String) {
        let Ok(items) = text::items(bounds) else {
            return (bounds.text.clone(), String::new());
        };
        let items = items.items;
        // `..` is one token or two periods.
        let single = items.iter().position(|i| i.text == "..").map(|at| (at, at + 1));
        let double = || {
            items
                .windows(2)
                .position(|w| {
                    w[0].token == Token::Period
                        && w[1].token == Token::Period
                        && w[1].gap.is_empty()
                })
                .map(|at| (at, at + 2))
        };
        let Some((at, after)) = single.or_else(double) else {
            return (self.cx.expr(bounds), String::new());
        };
        let low = text::join_trimmed(&self.cx.rewrite(&items[..at]));
        let high = text::join_trimmed(&self.cx.rewrite(&items[after..]));
        (low, high)
    }

    fn forall_bounds(&mut self, bounds: &Fragment, line: u32) -> String {
        let upper = bounds.text.trim().to_ascii_uppercase();
        if let Some(rest) = upper.strip_prefix("INDICES OF") {
            let var = bounds.text.trim()[bounds.text.trim().len() - rest.len()..].trim();
            let name = pg_name(&var.to_ascii_uppercase());
            self.cx.note(
                line,
                NoteKind::Review,
                "FORALL ... INDICES OF became a loop over every index",
            );
            return format!("array_lower({name}, 1)..array_upper({name}, 1)");
        }
        if upper.starts_with("VALUES OF") {
            self.cx.note(line, NoteKind::Unsupported, "FORALL ... VALUES OF");
            return bounds.text.trim().to_owned();
        }
        let (low, high) = self.range(bounds);
        format!("{low}..{high}")
    }

    /// An assignment target: `x`, `r.f`, `v(i)`, `:NEW.x`.
    fn target(&mut self, target: &Fragment) -> String {
        assignment_target(&self.cx.expr(target))
    }

    fn assignment(&mut self, target: &Fragment, value: &Fragment) {
        if self.out_function_assignment(target, value) {
            return;
        }
        let value_text = self.cx.expr(value);
        if let Some((package, name)) = self.package_state_var(target) {
            self.initialized_first(&package);
            let setting = setting_name(&package, &name);
            self.line(&format!(
                "PERFORM set_config('{setting}', coalesce(({value_text})::text, ''), false);"
            ));
            return;
        }
        if self.package_state_part(target, &value_text) {
            return;
        }
        if let Some(statement) = self.map_assignment(target, &value_text) {
            self.line(&statement);
            return;
        }
        let target = self.target(target);
        self.line(&format!("{target} := {value_text};"));
    }

    /// `x := f(a, b)` where `f` has OUT parameters (here `b`): PostgreSQL
    /// returns them and the value as one row, so `SELECT * INTO b, x FROM
    /// f(a)`. Positional arguments only, and one overload of that arity.
    fn out_function_assignment(&mut self, target: &Fragment, value: &Fragment) -> bool {
        let Ok(items) = text::items(value) else { return false };
        let items = items.items;
        let Some(open) = items.iter().position(|i| i.token == Token::LParen) else { return false };
        if text::matching_paren(&items, open) != Some(items.len() - 1) {
            return false;
        }
        // A name (`f`, `pkg.f`) and nothing else before the parenthesis.
        let dotted = items[..open].iter().enumerate().all(|(n, i)| match n % 2 {
            0 => i.name().is_some(),
            _ => i.token == Token::Period,
        });
        let parts: Vec<String> = items[..open].iter().filter_map(Item::name).collect();
        if parts.is_empty() || !dotted || open % 2 == 0 {
            return false;
        }
        if parts.len() == 1
            && (self.cx.is_local(&parts[0]) || self.cx.nested_routine(&parts[0]).is_some())
        {
            return false;
        }
        let Some(overloads) = self.cx.function_modes(&parts) else { return false };
        let arguments = text::split_commas(&items[open + 1..items.len() - 1]);
        if arguments.iter().any(|a| a.iter().any(|i| i.token == Token::RArrow)) {
            return false;
        }
        let fitting: Vec<&Vec<ParameterMode>> =
            overloads.iter().filter(|m| m.len() == arguments.len()).collect();
        let [modes] = fitting.as_slice() else { return false };
        if modes.iter().all(|m| *m == ParameterMode::In) {
            return false;
        }
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for (argument, mode) in arguments.iter().zip(modes.iter()) {
            let written = text::join_trimmed(argument);
            if *mode != ParameterMode::Out {
                inputs.push(written.clone());
            }
            if *mode != ParameterMode::In {
                let fragment = Fragment { text: written, span: value.span };
                outputs.push(fragment);
            }
        }
        outputs.push(target.clone());
        // A package variable among the targets goes through a local copy.
        let mut stores = Vec::new();
        let outputs: Vec<String> = outputs
            .iter()
            .map(|fragment| match self.state_copy(fragment) {
                Some(state) => {
                    self.initialized_first(&state.package);
                    stores.push(state.store());
                    state.copy
                }
                None => self.target(fragment),
            })
            .collect();
        let callee = text::join_trimmed(&items[..open]);
        let call = Fragment { text: format!("{callee}({})", inputs.join(", ")), span: value.span };
        let alone = std::mem::replace(&mut self.cx.out_call_alone, true);
        let call = self.cx.expr(&call);
        self.cx.out_call_alone = alone;
        self.line(&format!("SELECT * INTO {} FROM {call};", outputs.join(", ")));
        for store in stores {
            self.line(&store);
        }
        true
    }

    /// `m(k) := v` and `m(k).f := v` of a local associative array indexed
    /// by strings: the jsonb object with the key (or its field) set.
    fn map_assignment(&mut self, target: &Fragment, value: &str) -> Option<String> {
        let items = text::items(target).ok()?.items;
        let name = items.first()?.name()?;
        self.cx.map_element(&name)?;
        let map = pg_name(&name);
        let changed = self.map_with(&map, &items[1..], value)?;
        Some(format!("{map} := {changed};"))
    }

    /// The jsonb map `map` with `(k)` or `(k).f` (`target`) set to `value`.
    fn map_with(&mut self, map: &str, target: &[Item], value: &str) -> Option<String> {
        if target.first()?.token != Token::LParen {
            return None;
        }
        let close = text::matching_paren(target, 0)?;
        let key = text::join_trimmed(&self.cx.rewrite(&target[1..close]));
        let current = format!("coalesce({map}, '{{}}'::jsonb)");
        match &target[close + 1..] {
            [] => Some(format!("{current} || jsonb_build_object(({key})::text, {value})")),
            [dot, field] if dot.token == Token::Period && field.name().is_some() => {
                let field = pg_name(&field.name()?).trim_matches('"').to_owned();
                let element = format!("coalesce({map} -> ({key})::text, '{{}}'::jsonb)");
                let element = format!("{element} || jsonb_build_object('{field}', {value})");
                Some(format!("{current} || jsonb_build_object(({key})::text, {element})"))
            }
            _ => None,
        }
    }

    /// An assignment to an element or field of package state
    /// (`pkg.g_list(i) := v`): the value is read into a local copy, changed
    /// there, and stored back.
    fn package_state_part(&mut self, target: &Fragment, value: &str) -> bool {
        let Ok(items) = text::items(target) else { return false };
        let items = items.items;
        // The state variable's name: `g_list` or `pkg.g_list`.
        let (package, name, rest) =
            match (items.first().and_then(Item::name), items.get(1), items.get(2)) {
                (Some(a), Some(dot), Some(b))
                    if dot.token == Token::Period && b.name().is_some() =>
                {
                    let b = b.name().unwrap_or_default();
                    if self.cx.catalog.package(&a).is_some_and(|i| i.state.contains_key(&b)) {
                        (a, b, 3)
                    } else {
                        match (&self.cx.package, self.cx.is_local(&a)) {
                            (Some(p), false) => (p.clone(), a, 1),
                            _ => return false,
                        }
                    }
                }
                (Some(a), _, _) if !self.cx.is_local(&a) => match &self.cx.package {
                    Some(p) => (p.clone(), a, 1),
                    None => return false,
                },
                _ => return false,
            };
        let Some(var) = self.cx.catalog.package(&package).and_then(|i| i.state.get(&name)).cloned()
        else {
            return false;
        };
        if rest >= items.len() {
            return false;
        }
        self.initialized_first(&package);
        if self.cx.state_map(&package, &name).is_some() {
            let reader = format!("{}.{}()", pg_name(&package), pg_name(&name));
            let Some(map) = self.map_with(&reader, &items[rest..], value) else { return false };
            let setting = setting_name(&package, &name);
            self.line(&format!("PERFORM set_config('{setting}', ({map})::text, false);"));
            return true;
        }
        let pg_type = self.cx.datatype(&var.datatype);
        let copy =
            format!("{}_{}", pg_name(&package).trim_matches('"'), pg_name(&name).trim_matches('"'));
        self.cx.extra_declarations.insert(format!("{copy} {pg_type};"));
        let suffix = self.target_suffix(&items[rest..]);
        let setting = setting_name(&package, &name);
        self.line(&format!("{copy} := {}.{}();", pg_name(&package), pg_name(&name)));
        self.line(&format!("{copy}{suffix} := {value};"));
        self.line(&format!("PERFORM set_config('{setting}', coalesce({copy}::text, ''), false);"));
        true
    }

    /// `(i).f` of a target as `[i].f`.
    fn target_suffix(&mut self, items: &[Item]) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < items.len() {
            if items[i].token == Token::LParen {
                let close = text::matching_paren(items, i).unwrap_or(items.len() - 1);
                let index = text::join_trimmed(&self.cx.rewrite(&items[i + 1..close]));
                out.push_str(&format!("[{index}]"));
                i = close + 1;
                continue;
            }
            out.push_str(items[i].text.trim());
            i += 1;
        }
        out
    }

    /// `statement` with each INTO target that is a package variable (a
    /// setting, which SQL cannot assign) replaced by a local copy, and the
    /// statements that store the copies after it.
    fn state_into_copies<'s>(
        &mut self,
        statement: &'s crate::plsql::ast::SqlStatement,
    ) -> (std::borrow::Cow<'s, crate::plsql::ast::SqlStatement>, Vec<String>) {
        let mut text = statement.text.clone();
        let mut stores = Vec::new();
        let targets = statement.into.iter().chain(&statement.returning_into);
        // From the last, so that replacing one moves none still to come.
        let mut found: Vec<(&Fragment, String)> = Vec::new();
        for target in targets {
            let Some(state) = self.state_copy(target) else { continue };
            let package = &state.package;
            let initialized = self.cx.catalog.package(package).is_some_and(|p| p.initialized);
            if initialized && self.cx.package.as_ref() != Some(package) {
                stores.push(format!("PERFORM {}.{INITIALIZE}();", pg_name(package)));
            }
            stores.push(state.store());
            found.push((target, state.copy));
        }
        if found.is_empty() {
            return (std::borrow::Cow::Borrowed(statement), stores);
        }
        found.sort_by_key(|(t, ..)| std::cmp::Reverse(t.span.start));
        for (target, copy) in &found {
            let at = target.span.start.checked_sub(statement.span.start).map(|a| a as usize);
            let end = at.map(|a| a + target.text.len());
            match (at, end) {
                (Some(at), Some(end)) if text.get(at..end) == Some(target.text.as_str()) => {
                    text.replace_range(at..end, copy);
                }
                _ => return (std::borrow::Cow::Borrowed(statement), Vec::new()),
            }
        }
        let mut changed = statement.clone();
        changed.text = text;
        (std::borrow::Cow::Owned(changed), stores)
    }

    /// Runs `package`'s initialisation before its state is written from
    /// outside it, as Oracle does before any use of a package.
    fn initialized_first(&mut self, package: &str) {
        let initialized = self.cx.catalog.package(package).is_some_and(|p| p.initialized);
        if initialized && self.cx.package.as_deref() != Some(package) {
            self.line(&format!("PERFORM {}.{INITIALIZE}();", pg_name(package)));
        }
    }

    /// The setting of a package variable assigned to, if `target` is one.
    fn package_state_target(&mut self, target: &Fragment) -> Option<String> {
        let (package, name) = self.package_state_var(target)?;
        Some(setting_name(&package, &name))
    }

    /// The package and name of the package variable `target` names.
    fn package_state_var(&mut self, target: &Fragment) -> Option<(String, String)> {
        // Most targets are locals: no package has state of their name.
        let last = target.text.trim().rsplit('.').next()?.to_ascii_uppercase();
        if !target.text.contains('"') && !self.cx.catalog.state_names.contains(&last) {
            return None;
        }
        let items = text::items(target).ok()?.items;
        let parts: Vec<String> = items.iter().filter_map(Item::name).collect();
        if items.len() != parts.len() * 2 - 1 {
            return None;
        }
        let (package, name) = match parts.as_slice() {
            [name] if !self.cx.is_local(name) => (self.cx.package.clone()?, name.clone()),
            [package, name] => (package.clone(), name.clone()),
            _ => return None,
        };
        let info = self.cx.catalog.package(&package)?;
        info.state.contains_key(&name).then_some((package, name))
    }

    fn raise(&mut self, exception: Option<&QualifiedName>) {
        let Some(name) = exception else {
            self.line("RAISE;");
            return;
        };
        let parts: Vec<String> = name.parts.iter().map(|p| p.canonical()).collect();
        if let [one] = parts.as_slice() {
            if let Some(pg) = errors::predefined(one) {
                self.line(&format!("RAISE {pg};"));
                return;
            }
        }
        let state = match self.cx.exception_state(&parts) {
            Some(state) => state,
            None => self.unknown_exception(name),
        };
        self.line(&format!(
            "RAISE EXCEPTION USING ERRCODE = '{state}', MESSAGE = {};",
            quote_literal(&name.canonical().to_ascii_lowercase())
        ));
    }

    /// A procedure call statement.
    fn call(&mut self, name: &QualifiedName, arguments: &[Fragment], whole: &Fragment) {
        let line = whole.span.line;
        let parts: Vec<String> = name.parts.iter().map(|p| p.canonical()).collect();
        let parts = self.cx.through_synonym(parts);
        let upper: Vec<&str> = parts.iter().map(String::as_str).collect();
        if let Some(text) = self.method_call(whole) {
            self.line(&text);
            return;
        }
        if let Some(method) = chained_method(whole) {
            // `f(x).m(y)`: a method of the object a function returns, or of
            // a collection's element.
            self.cx.note(
                line,
                NoteKind::Unsupported,
                format!(
                    "{method}: a method called on {}(...); object types have no methods in \
                     PostgreSQL, left as written",
                    parts.join(".")
                ),
            );
            self.line(&format!("{};", whole.text.trim().trim_end_matches(';')));
            return;
        }
        // Oracle's own procedures called with named arguments, by position.
        let positional = builtin_positional(&upper, arguments);
        let arguments = positional.as_deref().unwrap_or(arguments);
        let args: Vec<String> = arguments.iter().map(|a| self.cx.expr(a)).collect();
        match upper.as_slice() {
            ["DBMS_OUTPUT", "PUT_LINE" | "PUT"] => {
                let value = args.first().cloned().unwrap_or_else(|| "''".to_owned());
                self.line(&format!("RAISE NOTICE '%', {value};"));
                return;
            }
            ["DBMS_OUTPUT", "NEW_LINE" | "ENABLE" | "DISABLE"] => {
                self.line("NULL;");
                return;
            }
            ["RAISE_APPLICATION_ERROR"] if args.len() >= 2 => {
                let code = args[0].split_whitespace().collect::<String>();
                let state = match code.parse::<i64>() {
                    Ok(code) => errors::state_of_code(code).0,
                    Err(_) => {
                        self.cx.note(
                            line,
                            NoteKind::Review,
                            format!("RAISE_APPLICATION_ERROR code {code} is not a number; raised as P0001"),
                        );
                        "P0001".to_owned()
                    }
                };
                self.line(&format!(
                    "RAISE EXCEPTION USING ERRCODE = '{state}', MESSAGE = {};",
                    args[1]
                ));
                return;
            }
            ["DBMS_LOB", procedure] => {
                if let Some(lines) = self.lob_procedure(procedure, arguments, &args, line) {
                    for l in lines {
                        self.line(&l);
                    }
                    return;
                }
            }
            ["DBMS_LOCK" | "DBMS_SESSION" | "USER_LOCK", "SLEEP"] if args.len() == 1 => {
                self.line(&format!("PERFORM pg_sleep({});", args[0]));
                return;
            }
            ["DBMS_APPLICATION_INFO", "SET_MODULE" | "SET_ACTION" | "SET_CLIENT_INFO"]
                if !args.is_empty() =>
            {
                self.line(&format!(
                    "PERFORM set_config('application_name', coalesce({}, ''), false);",
                    args[0]
                ));
                return;
            }
            ["UTL_HTTP", "READ_TEXT" | "READ_LINE" | "READ_RAW"] if args.len() >= 2 => {
                let function = upper[1].to_ascii_lowercase();
                let mut rest = vec![args[0].clone()];
                rest.extend(args[2..].iter().cloned());
                let target = assignment_target(&args[1]);
                self.line(&format!(
                    "{target} := utl_http_utility.{function}({});",
                    rest.join(", ")
                ));
                return;
            }
            ["UTL_HTTP", procedure] => {
                let function = procedure.to_ascii_lowercase();
                self.line(&format!("PERFORM utl_http_utility.{function}({});", args.join(", ")));
                return;
            }
            ["UTL_FILE", "FCLOSE"] if args.len() == 1 => {
                let value = format!("utl_file_utility.fclose({})", args[0]);
                self.assign_to(&arguments[0], &args[0], &value);
                return;
            }
            ["UTL_FILE", "GET_LINE" | "GET_LINE_NCHAR"] if args.len() >= 2 => {
                let mut rest = vec![args[0].clone()];
                rest.extend(args[2..].iter().cloned());
                let value = format!("utl_file_utility.get_line({})", rest.join(", "));
                self.assign_to(&arguments[1], &args[1], &value);
                return;
            }
            // PUTF's arguments are text; Oracle converts numbers and dates.
            ["UTL_FILE", "PUTF" | "PUTF_NCHAR"] if args.len() > 2 => {
                let mut all = args[..2].to_vec();
                all.extend(args[2..].iter().map(|a| match a.starts_with('\'') {
                    true => a.clone(),
                    false => format!("({a})::text"),
                }));
                self.line(&format!("PERFORM utl_file_utility.putf({});", all.join(", ")));
                return;
            }
            ["UTL_FILE", procedure] => {
                let function = match *procedure {
                    "PUT" | "PUT_NCHAR" => Some("put"),
                    "PUT_LINE" | "PUT_LINE_NCHAR" => Some("put_line"),
                    "PUTF" | "PUTF_NCHAR" => Some("putf"),
                    "NEW_LINE" => Some("new_line"),
                    "FFLUSH" => Some("fflush"),
                    "FCLOSE_ALL" => Some("fclose_all"),
                    "FREMOVE" => Some("fremove"),
                    "FRENAME" => Some("frename"),
                    "FCOPY" => Some("fcopy"),
                    _ => None,
                };
                if let Some(function) = function {
                    if matches!(*procedure, "FREMOVE" | "FRENAME" | "FCOPY") {
                        self.cx.note(
                            line,
                            NoteKind::Unsupported,
                            format!(
                                "UTL_FILE.{procedure}: aws_s3 cannot delete, rename or copy an \
                                 S3 object; utl_file_utility raises SQLSTATE 0A000 here: do it \
                                 in a Lambda or the application"
                            ),
                        );
                    }
                    self.line(&format!(
                        "PERFORM utl_file_utility.{function}({});",
                        args.join(", ")
                    ));
                    return;
                }
            }
            _ => {}
        }
        if let Some(text) = self.array_method(&parts, &args, line) {
            self.line(&text);
            return;
        }
        if self.state_array_method(&parts, &args) {
            return;
        }
        if let [name] = parts.as_slice() {
            if let Some(nested) = self.cx.nested_routine(name).filter(|_| !self.cx.is_local(name)) {
                let nested = nested.clone();
                let call = self.cx.call_nested(&nested, args);
                self.line(&format!("CALL {call};"));
                return;
            }
        }
        let callee = self.callee(&parts, line);
        let (args, stores) = self.state_out_copies(&parts, arguments, args);
        self.line(&format!("CALL {callee}({});", args.join(", ")));
        for store in stores {
            self.line(&store);
        }
    }

    /// `target := value`, where `target` (as written, and rewritten) may be
    /// a package variable: its setting is stored then.
    fn assign_to(&mut self, target: &Fragment, written: &str, value: &str) {
        match self.package_state_target(target) {
            Some(setting) => self.line(&format!(
                "PERFORM set_config('{setting}', coalesce(({value})::text, ''), false);"
            )),
            None => self.line(&format!("{} := {value};", assignment_target(written))),
        }
    }

    /// The local copy that stands for package variable `target` where SQL
    /// or a CALL assigns it (a setting cannot be), declared in the routine.
    fn state_copy(&mut self, target: &Fragment) -> Option<StateCopy> {
        let (package, name) = self.package_state_var(target)?;
        let var = self.cx.catalog.package(&package).and_then(|i| i.state.get(&name)).cloned()?;
        let copy =
            format!("{}_{}", pg_name(&package).trim_matches('"'), pg_name(&name).trim_matches('"'));
        let pg_type = self.cx.datatype(&var.datatype);
        self.cx.extra_declarations.insert(format!("{copy} {pg_type};"));
        let setting = setting_name(&package, &name);
        Some(StateCopy { package, name, copy, setting })
    }

    /// `args` with each package variable passed to an OUT or IN OUT
    /// parameter (a setting, which a CALL cannot assign) replaced by a
    /// local copy read just before, and the statements that store the
    /// copies after the call.
    fn state_out_copies(
        &mut self,
        parts: &[String],
        arguments: &[Fragment],
        mut args: Vec<String>,
    ) -> (Vec<String>, Vec<String>) {
        let mut stores = Vec::new();
        let Some(overloads) = self.cx.procedure_modes(parts) else { return (args, stores) };
        let fitting: Vec<&Vec<ParameterMode>> =
            overloads.iter().filter(|m| m.len() >= arguments.len()).collect();
        let [modes] = fitting.as_slice() else { return (args, stores) };
        if arguments.iter().any(|a| a.text.contains("=>")) {
            return (args, stores);
        }
        for (n, (argument, mode)) in arguments.iter().zip(modes.iter()).enumerate() {
            if *mode == ParameterMode::In {
                continue;
            }
            let Some(state) = self.state_copy(argument) else { continue };
            self.initialized_first(&state.package);
            let reader = format!("{}.{}()", pg_name(&state.package), pg_name(&state.name));
            self.line(&format!("{} := {reader};", state.copy));
            stores.push(state.store());
            args[n] = state.copy;
        }
        (args, stores)
    }

    /// A method called as a statement: `CALL` of the procedure it became,
    /// or `PERFORM` of the function.
    fn method_call(&mut self, whole: &Fragment) -> Option<String> {
        let items = text::items(whole).ok()?.items;
        let items = match items.split_last() {
            Some((last, rest)) if last.token == Token::SemiColon => rest,
            _ => &items[..],
        };
        let (text, next, kind) = if items.first()?.token == Token::LParen {
            self.cx.upcast_chain(items, 0, true)?
        } else {
            let end = super::expr::name_end(items, 0);
            self.cx.method_chain(items, 0, end, true)?
        };
        if next != items.len() {
            return None;
        }
        Some(match kind {
            SubprogramKind::Procedure => format!("CALL {text};"),
            SubprogramKind::Function => format!("PERFORM {text};"),
        })
    }

    /// DBMS_LOB's procedures on CLOB and BLOB variables, which are values
    /// in PostgreSQL (text and bytea): each changes its variable by
    /// assignment. Amounts and offsets are integers there; an amount of
    /// LOBMAXSIZE is "to the end". Not for a package variable, which is
    /// assigned through its setting: that call is left as written.
    fn lob_procedure(
        &mut self,
        procedure: &str,
        arguments: &[Fragment],
        args: &[String],
        line: u32,
    ) -> Option<Vec<String>> {
        if self.package_state_target(arguments.first()?).is_some() {
            return None;
        }
        let target = |i: usize| args.get(i).map(|a| assignment_target(a));
        let lob = target(0)?;
        let int = |a: &str| super::expr::integer_arg(a);
        // The first `amount` of `value`, or `value` when the amount is
        // all of it.
        let part = |value: &str, amount: &str, from: &str| {
            let whole = amount.eq_ignore_ascii_case(&format!("length({value})"));
            match (whole || amount == LOB_MAX_SIZE, from) {
                (true, "1") => value.to_owned(),
                (true, _) => format!("substr({value}, {})", int(from)),
                (false, _) => format!("substr({value}, {}, {})", int(from), int(amount)),
            }
        };
        Some(match (procedure, args.len()) {
            ("CREATETEMPORARY", _) => {
                let empty = if self.cx.is_binary_var(&lob) { "''::bytea" } else { "''" };
                vec![format!("{lob} := {empty};")]
            }
            ("FREETEMPORARY", 1) => vec![format!("{lob} := NULL;")],
            ("OPEN" | "CLOSE", _) => {
                self.cx.note_once(
                    "lob-open",
                    line,
                    NoteKind::Review,
                    "DBMS_LOB.OPEN and CLOSE were left out: a LOB is a value in PostgreSQL"
                        .to_owned(),
                );
                vec!["NULL;".to_owned()]
            }
            ("APPEND", 2) => vec![format!("{lob} := {lob} || {};", args[1])],
            ("WRITEAPPEND", 3) => {
                vec![format!("{lob} := {lob} || {};", part(&args[2], &args[1], "1"))]
            }
            ("TRIM", 2) => vec![format!("{lob} := substr({lob}, 1, {});", int(&args[1]))],
            // Overwrites from the offset as many characters as it writes.
            ("WRITE", 4) => {
                self.lob_overlay_note(line);
                let piece = part(&args[3], &args[1], "1");
                let offset = int(&args[2]);
                vec![format!(
                    "{lob} := overlay({lob} placing {piece} from {offset} for length({piece}));"
                )]
            }
            ("COPY", 3..=5) => {
                self.lob_overlay_note(line);
                let to = int(args.get(3).map_or("1", String::as_str));
                let from = args.get(4).map_or("1", String::as_str);
                let piece = part(&args[1], &args[2], from);
                vec![format!(
                    "{lob} := overlay(coalesce({lob}, {piece}) placing {piece} from {to} for length({piece}));"
                )]
            }
            // READ(lob, amount IN OUT, offset, buffer OUT) raises
            // NO_DATA_FOUND past the end, which loops over a LOB rely on.
            ("READ", 4) => {
                let amount = target(1)?;
                let offset = &args[2];
                let buffer = target(3)?;
                vec![
                    format!("IF {offset} > coalesce(length({lob}), 0) THEN"),
                    "    RAISE no_data_found;".to_owned(),
                    "END IF;".to_owned(),
                    format!("{buffer} := substr({lob}, {}, {});", int(offset), int(&amount)),
                    format!("{amount} := length({buffer});"),
                ]
            }
            ("CONVERTTOBLOB" | "CONVERTTOCLOB", 8) => {
                let function =
                    if procedure == "CONVERTTOBLOB" { "convert_to" } else { "convert_from" };
                self.cx.note(
                    line,
                    NoteKind::Review,
                    format!(
                        "DBMS_LOB.{procedure} became {function}(..., 'UTF8') of the whole source: \
                         the amount, offsets, character set and warning are not used"
                    ),
                );
                vec![format!("{lob} := {function}({}, 'UTF8');", args[1])]
            }
            _ => return None,
        })
    }

    fn lob_overlay_note(&mut self, line: u32) {
        self.cx.note_once(
            "lob-overlay",
            line,
            NoteKind::Review,
            "DBMS_LOB.WRITE and COPY became overlay(): an offset past the end of the LOB is not \
             padded as Oracle pads it"
                .to_owned(),
        );
    }

    /// `v.EXTEND`, `v.DELETE`, `v.TRIM` of a local array, or of an array
    /// field of a local record (`r.list.EXTEND`).
    fn array_method(&mut self, parts: &[String], args: &[String], line: u32) -> Option<String> {
        if let [var, method] = parts {
            if self.cx.map_element(var).is_some() {
                let map = pg_name(var);
                return match (method.as_str(), args) {
                    ("DELETE", []) => Some(format!("{map} := '{{}}'::jsonb;")),
                    ("DELETE", [key]) => Some(format!("{map} := {map} - ({key})::text;")),
                    _ => {
                        let why = format!("collection method {method} of a string-indexed array");
                        self.cx.note(line, NoteKind::Unsupported, why);
                        None
                    }
                };
            }
        }
        let (method, var) = match parts {
            [var, method] => (method, vec![var.clone()]),
            [record, field, method] => (method, vec![record.clone(), field.clone()]),
            _ => return None,
        };
        let element = self.cx.array_element(&var.join("."))?.clone();
        let name = var.iter().map(|p| pg_name(p)).collect::<Vec<_>>().join(".");
        let element = self.cx.datatype(&element);
        Some(match method.as_str() {
            "EXTEND" => match args.first() {
                None => format!("{name} := array_append({name}, NULL::{element});"),
                Some(n) => format!("{name} := {name} || array_fill(NULL::{element}, ARRAY[{n}]);"),
            },
            "DELETE" if args.is_empty() => format!("{name} := ARRAY[]::{element}[];"),
            "TRIM" => {
                let n = args.first().cloned().unwrap_or_else(|| "1".to_owned());
                format!("{name} := {name}[1:coalesce(cardinality({name}), 0) - {n}];")
            }
            _ => {
                self.cx.note(line, NoteKind::Unsupported, format!("collection method {method}"));
                return None;
            }
        })
    }

    /// `g_list.DELETE` and `g_list.EXTEND` of a package-state collection:
    /// the setting emptied, or the value extended through a copy.
    fn state_array_method(&mut self, parts: &[String], args: &[String]) -> bool {
        let Some((method, var)) = parts.split_last() else { return false };
        let Some((package, reader)) = self.cx.state_reader(var) else { return false };
        let name = var.last().cloned().unwrap_or_default();
        let setting = setting_name(&package, &name);
        if self.cx.state_map(&package, &name).is_some() {
            if let ("DELETE", [key]) = (method.as_str(), args) {
                self.line(&format!(
                    "PERFORM set_config('{setting}', ({reader} - ({key})::text)::text, false);"
                ));
                return true;
            }
        }
        match (method.as_str(), args) {
            ("DELETE", []) => {
                self.line(&format!("PERFORM set_config('{setting}', '', false);"));
                true
            }
            ("EXTEND", []) => {
                self.line(&format!(
                    "PERFORM set_config('{setting}', array_append({reader}, NULL)::text, false);"
                ));
                true
            }
            _ => false,
        }
    }

    /// The name a procedure is called by.
    fn callee(&mut self, parts: &[String], line: u32) -> String {
        let cx = &mut *self.cx;
        match parts {
            [name] if !cx.is_local(name) => {
                if let (Some(package), Some(info)) = (cx.package.clone(), cx.package_info()) {
                    if info.members.contains_key(name) {
                        return format!(
                            "{}.{}",
                            pg_name(&package),
                            cx.catalog.procedure(&package, name)
                        );
                    }
                }
                pg_name(name)
            }
            [package, name] => {
                if super::expr::is_oracle_package(package) {
                    cx.note(
                        line,
                        NoteKind::Unsupported,
                        format!(
                            "{package}.{name} has no equivalent on PostgreSQL; left as written{}",
                            super::expr::strategy(package)
                        ),
                    );
                } else if cx.is_local(package) {
                    cx.note(line, NoteKind::Unsupported, format!("method call {package}.{name}"));
                }
                format!("{}.{}", pg_name(package), cx.catalog.procedure(package, name))
            }
            [_owner, package, name] if cx.catalog.is_package(package) => {
                format!("{}.{}", pg_name(package), cx.catalog.procedure(package, name))
            }
            _ => parts.iter().map(|p| pg_name(p)).collect::<Vec<_>>().join("."),
        }
    }

    /// A dynamic SQL string, with Oracle's `:name` and `:1` binds in its
    /// literals numbered `$1`, `$2`... in order of first use.
    fn dynamic(&mut self, sql: &Fragment) -> String {
        let rewritten = self.cx.expr(sql);
        let Ok(items) = text::items_of(&rewritten, sql.span) else { return rewritten };
        let mut binds: Vec<String> = Vec::new();
        let mut changed = false;
        let mut out = items.items;
        for item in &mut out {
            if let Token::SingleQuotedString(s) = &item.token {
                if let Some(renumbered) = renumber_binds(s, &mut binds) {
                    item.text = quote_literal(&renumbered);
                    changed = true;
                }
            }
        }
        if !changed {
            return rewritten;
        }
        text::join_trimmed(&out)
    }

    /// A literal that creates PL/SQL objects (`EXECUTE IMMEDIATE 'CREATE
    /// PACKAGE ...'`, as test fixtures and installers do): the statements
    /// this engine writes for them, in a dollar quote. Their notes are the
    /// statement's. `DROP PACKAGE p` drops the schema `p` became. `None`
    /// for any other statement, or one not translated.
    fn dynamic_ddl(&mut self, sql: &Fragment, line: u32) -> Option<String> {
        let items = text::items(sql).ok()?.items;
        let content = match items.as_slice() {
            [Item { token: Token::SingleQuotedString(s), .. }] => s.clone(),
            [Item { token: Token::QuoteDelimitedStringLiteral(q), .. }] => q.value.clone(),
            _ => return None,
        };
        let words: Vec<String> =
            content.split_whitespace().take(5).map(str::to_ascii_uppercase).collect();
        // `DROP PACKAGE p` drops the schema the package became.
        let written: Vec<&str> = content.split_whitespace().collect();
        if let (["DROP", "PACKAGE", _], [_, _, name]) =
            (&words.iter().map(String::as_str).collect::<Vec<_>>()[..], &written[..])
        {
            let name = name.trim_end_matches(';');
            let package = name.rsplit('.').next().unwrap_or(name).trim_matches('"');
            let schema =
                if name.contains('"') { package.to_owned() } else { package.to_ascii_uppercase() };
            return Some(quote_literal(&format!("DROP SCHEMA {} CASCADE", pg_name(&schema))));
        }
        let mut words = words.iter().map(String::as_str).peekable();
        if words.next()? != "CREATE" {
            return None;
        }
        if words.next_if_eq(&"OR").is_some() && words.next()? != "REPLACE" {
            return None;
        }
        words.next_if(|w| matches!(*w, "EDITIONABLE" | "NONEDITIONABLE"));
        if !matches!(words.next()?, "PACKAGE" | "PROCEDURE" | "FUNCTION" | "TRIGGER" | "TYPE") {
            return None;
        }
        let file = crate::plsql::scan_file("dynamic.sql", content.as_bytes(), None);
        let mut out = String::new();
        let mut notes = Vec::new();
        for object in &file.objects {
            let translated = match object.errors.first() {
                Some(e) => Err(format!("not parsed: {}", e.message)),
                None => super::translate(object, self.cx.catalog).map_err(|e| e.to_string()),
            };
            match translated {
                Ok(t) => {
                    out.push_str(&t.sql);
                    notes.extend(t.notes.into_iter().map(|n| (n.kind, object.name.clone(), n)));
                }
                Err(why) => {
                    let what = format!("{} {}", object.kind.oracle_name(), object.name);
                    self.cx.note(
                        line,
                        NoteKind::Unsupported,
                        format!("EXECUTE IMMEDIATE creates {what}, left in Oracle's terms: {why}"),
                    );
                    return None;
                }
            }
        }
        if out.is_empty() {
            return None;
        }
        for (kind, name, note) in notes {
            let message =
                format!("in {name}, which it creates (its line {}): {}", note.line, note.message);
            self.cx.note(line, kind, message);
        }
        let mut tag = "$ddl$".to_owned();
        let mut n = 1;
        while out.contains(&tag) {
            tag = format!("$ddl{n}$");
            n += 1;
        }
        Some(format!("{tag}\n{out}{tag}"))
    }

    fn using(&mut self, using: &[Fragment]) -> String {
        if using.is_empty() {
            return String::new();
        }
        let args: Vec<String> = using
            .iter()
            .map(|u| {
                let text = u.text.trim();
                let upper = text.to_ascii_uppercase();
                if upper.starts_with("IN OUT ") || upper.starts_with("OUT ") {
                    self.cx.note(
                        u.span.line,
                        NoteKind::Unsupported,
                        "an OUT bind in EXECUTE ... USING",
                    );
                }
                let stripped = ["IN OUT ", "OUT ", "IN "]
                    .iter()
                    .find(|p| upper.starts_with(*p))
                    .map_or(text, |p| text[p.len()..].trim_start());
                let fragment = Fragment { text: stripped.to_owned(), span: u.span };
                self.cx.expr(&fragment)
            })
            .collect();
        format!(" USING {}", args.join(", "))
    }

    /// A statement with no PostgreSQL form, noted and left as written.
    fn as_written(&mut self, line: u32, why: &str, sql: &str) {
        self.cx.note(line, NoteKind::Unsupported, why);
        self.line(&format!("{sql};"));
    }

    /// A type for a cast, where PostgreSQL takes no `%TYPE` or `%ROWTYPE`.
    fn cast_type(&mut self, datatype: &Fragment) -> String {
        let here = std::mem::replace(&mut self.cx.no_anchors, true);
        let text = self.cx.datatype(datatype);
        self.cx.no_anchors = here;
        text
    }

    /// Whether a type as Oracle writes it is a row: `t%ROWTYPE`, a record
    /// type or an object type.
    fn is_composite(&self, datatype: &Fragment) -> bool {
        let text = datatype.text.trim().to_ascii_uppercase();
        if text.ends_with("%ROWTYPE") {
            return true;
        }
        let parts: Vec<String> = text.split('.').map(|p| p.trim().to_owned()).collect();
        matches!(self.cx.type_def(&parts), Some((_, TypeDef::Record { .. } | TypeDef::Object)))
    }

    /// `SELECT x BULK COLLECT INTO v FROM ...` as `SELECT array_agg(x) INTO v`.
    fn bulk_select(&mut self, statement: &crate::plsql::ast::SqlStatement) {
        let line = statement.span.line;
        let sql = self.cx.sql(statement);
        let Ok(items) = text::items_of(&sql, statement.span) else {
            self.line(&format!("{sql};"));
            return;
        };
        let items = items.items;
        // The first of each word at paren depth 0, FROM after BULK.
        let mut depth = 0i32;
        let mut top = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ if depth == 0 => top.push(i),
                _ => {}
            }
        }
        let find =
            |w: &str, after: usize| top.iter().copied().find(|&i| i >= after && items[i].is(w));
        let select = find("SELECT", 0);
        let bulk = select.and_then(|s| find("BULK", s));
        let from = bulk.and_then(|b| find("FROM", b));
        let (Some(select), Some(bulk), Some(from)) = (select, bulk, from) else {
            self.as_written(line, "BULK COLLECT in this form", &sql);
            return;
        };
        let into_end = from;
        let list = text::split_commas(&items[select + 1..bulk]);
        let targets = text::join_trimmed(&items[bulk + 3..into_end]);
        let target_name = targets.trim().to_ascii_uppercase();
        let element = self.cx.array_element(&target_name).cloned();
        if list.iter().any(|f| text::join_trimmed(f).ends_with('*')) {
            if targets.contains(',') {
                let why = "SELECT * BULK COLLECT into several collections: name the columns";
                self.as_written(line, why, &sql);
                return;
            }
            // The rows as they are, in their order: an array of the one
            // column, or of the element's composite type.
            // From the start: a WITH clause comes along.
            let query =
                format!("{}{}", text::join_trimmed(&items[..bulk]), text::join(&items[into_end..]));
            let value = match element.filter(|e| self.is_composite(e)) {
                Some(element) => {
                    let element = self.cast_type(&element);
                    format!("ARRAY(SELECT ROW(bulk_rows.*)::{element} FROM ({query}) AS bulk_rows)")
                }
                None => format!("ARRAY({query})"),
            };
            self.line(&format!("{targets} := {value};"));
            return;
        }
        let value = match (list.as_slice(), element) {
            ([one], _) => text::join_trimmed(one),
            (_, Some(element)) => {
                let element = self.cast_type(&element);
                let fields: Vec<String> = list.iter().map(|f| text::join_trimmed(f)).collect();
                format!("ROW({})::{element}", fields.join(", "))
            }
            _ => {
                self.as_written(
                    line,
                    "BULK COLLECT of several columns into several collections",
                    &sql,
                );
                return;
            }
        };
        // ORDER BY moves into the aggregate.
        let order = find("ORDER", from);
        let (tail, order_by) = match order {
            Some(at) => {
                (text::join(&items[from..at]), format!(" {}", text::join_trimmed(&items[at..])))
            }
            None => (text::join(&items[from..]), String::new()),
        };
        let with = text::join_trimmed(&items[..select]);
        let with = if with.is_empty() { with } else { format!("{with} ") };
        self.line(&format!(
            "{with}SELECT coalesce(array_agg({value}{order_by}), '{{}}') INTO {targets}{tail};"
        ));
    }
}

/// The method of `f(x).method(y)`, a call on what a call returns, in upper
/// case; `None` for a plain call.
fn chained_method(whole: &Fragment) -> Option<String> {
    let items = text::items(whole).ok()?.items;
    let open = items.iter().position(|i| i.token == Token::LParen)?;
    let close = text::matching_paren(&items, open)?;
    let rest = &items[close + 1..];
    match rest {
        [dot, method, ..] if dot.token == Token::Period => method.word(),
        _ => None,
    }
}

/// `(SELECT ...)` without its parentheses.
fn strip_parens(sql: &str) -> &str {
    let t = sql.trim();
    if t.starts_with('(') && t.ends_with(')') {
        t[1..t.len() - 1].trim()
    } else {
        t
    }
}

/// An array element written `(v[i]).f` in an expression is `v[i].f` as a
/// target.
fn assignment_target(text: &str) -> String {
    let t = text.trim();
    if t.starts_with('(') {
        if let Some(close) = t.find("])") {
            return format!("{}{}", &t[1..=close], &t[close + 2..]);
        }
    }
    t.to_owned()
}

/// The parameters of Oracle's procedures that the translator rewrites, in
/// order, so that calls naming their arguments can be read by position.
const BUILTIN_PARAMETERS: &[(&str, &str, &[&str])] = &[
    ("", "RAISE_APPLICATION_ERROR", &["NUM", "MSG", "KEEPERRORSTACK"]),
    ("DBMS_APPLICATION_INFO", "SET_ACTION", &["ACTION_NAME"]),
    ("DBMS_APPLICATION_INFO", "SET_CLIENT_INFO", &["CLIENT_INFO"]),
    ("DBMS_APPLICATION_INFO", "SET_MODULE", &["MODULE_NAME", "ACTION_NAME"]),
    ("DBMS_LOB", "APPEND", &["DEST_LOB", "SRC_LOB"]),
    ("DBMS_LOB", "CLOSE", &["LOB_LOC"]),
    ("DBMS_LOB", "CONVERTTOBLOB", LOB_CONVERSION),
    ("DBMS_LOB", "CONVERTTOCLOB", LOB_CONVERSION),
    ("DBMS_LOB", "COPY", &["DEST_LOB", "SRC_LOB", "AMOUNT", "DEST_OFFSET", "SRC_OFFSET"]),
    ("DBMS_LOB", "CREATETEMPORARY", &["LOB_LOC", "CACHE", "DUR"]),
    ("DBMS_LOB", "ERASE", &["LOB_LOC", "AMOUNT", "OFFSET"]),
    ("DBMS_LOB", "FREETEMPORARY", &["LOB_LOC"]),
    ("DBMS_LOB", "OPEN", &["LOB_LOC", "OPEN_MODE"]),
    ("DBMS_LOB", "READ", &["LOB_LOC", "AMOUNT", "OFFSET", "BUFFER"]),
    ("DBMS_LOB", "TRIM", &["LOB_LOC", "NEWLEN"]),
    ("DBMS_LOB", "WRITE", &["LOB_LOC", "AMOUNT", "OFFSET", "BUFFER"]),
    ("DBMS_LOB", "WRITEAPPEND", &["LOB_LOC", "AMOUNT", "BUFFER"]),
    ("DBMS_LOCK", "SLEEP", &["SECONDS"]),
    ("DBMS_OUTPUT", "PUT", &["A"]),
    ("DBMS_OUTPUT", "PUT_LINE", &["A"]),
    ("DBMS_SESSION", "SLEEP", &["SECONDS"]),
    ("UTL_FILE", "FCLOSE", &["FILE"]),
    ("UTL_FILE", "FCOPY", &["SRC_LOCATION", "SRC_FILENAME", "DEST_LOCATION", "DEST_FILENAME"]),
    ("UTL_FILE", "FFLUSH", &["FILE"]),
    ("UTL_FILE", "FREMOVE", &["LOCATION", "FILENAME"]),
    ("UTL_FILE", "FRENAME", &["SRC_LOCATION", "SRC_FILENAME", "DEST_LOCATION", "DEST_FILENAME"]),
    ("UTL_FILE", "GET_LINE", &["FILE", "BUFFER", "LEN"]),
    ("UTL_FILE", "NEW_LINE", &["FILE", "LINES"]),
    ("UTL_FILE", "PUT", &["FILE", "BUFFER"]),
    ("UTL_FILE", "PUTF", &["FILE", "FORMAT", "ARG1", "ARG2", "ARG3", "ARG4", "ARG5"]),
    ("UTL_FILE", "PUT_LINE", &["FILE", "BUFFER", "AUTOFLUSH"]),
];

const LOB_CONVERSION: &[&str] = &[
    "DEST_LOB",
    "SRC_LOB",
    "AMOUNT",
    "DEST_OFFSET",
    "SRC_OFFSET",
    "BLOB_CSID",
    "LANG_CONTEXT",
    "WARNING",
];

/// The arguments of a call of one of Oracle's procedures in
/// [`BUILTIN_PARAMETERS`] that names them, in parameter order; `None`
/// when none is named or they leave a gap.
fn builtin_positional(name: &[&str], arguments: &[Fragment]) -> Option<Vec<Fragment>> {
    let (package, procedure) = match name {
        [procedure] => ("", *procedure),
        [package, procedure] => (*package, *procedure),
        _ => return None,
    };
    let (.., parameters) =
        BUILTIN_PARAMETERS.iter().find(|(p, n, _)| *p == package && *n == procedure)?;
    let mut out: Vec<Option<Fragment>> = vec![None; parameters.len()];
    if !arguments.iter().any(|a| a.text.contains("=>")) {
        return None;
    }
    let mut named = false;
    for (i, argument) in arguments.iter().enumerate() {
        let items = text::items(argument).ok()?.items;
        let arrow = items.get(1).is_some_and(|a| a.token == Token::RArrow);
        let at = match items.first().and_then(Item::name) {
            Some(parameter) if arrow => {
                named = true;
                // SRC_CLOB and SRC_BLOB are both the conversions' SRC_LOB.
                let parameter = if parameter.starts_with("SRC_") && parameter.ends_with("LOB") {
                    "SRC_LOB".to_owned()
                } else {
                    parameter
                };
                parameters.iter().position(|p| *p == parameter)?
            }
            _ => i,
        };
        let value = if arrow { text::join_trimmed(&items[2..]) } else { argument.text.clone() };
        *out.get_mut(at)? = Some(Fragment { text: value, span: argument.span });
    }
    let given = out.iter().rposition(Option::is_some).map_or(0, |last| last + 1);
    if !named || out[..given].iter().any(Option::is_none) {
        return None;
    }
    Some(out.into_iter().flatten().collect())
}

/// DBMS_LOB.LOBMAXSIZE as the expression rewriter writes it.
const LOB_MAX_SIZE: &str = "18446744073709551615";

/// The session setting that holds a package variable.
pub(super) fn setting_name(package: &str, name: &str) -> String {
    let clean =
        |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        };
    format!("{}.{}", clean(package), clean(name))
}

/// Oracle binds (`:1`, `:name`) in a dynamic SQL string, as `$n`. `None`
/// when the string has none.
fn renumber_binds(sql: &str, binds: &mut Vec<String>) -> Option<String> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut in_quote = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            in_quote = !in_quote;
        }
        let starts_bind = c == b':'
            && !in_quote
            && bytes.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
            && (i == 0 || bytes[i - 1] != b':');
        if !starts_bind {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let name = sql[i + 1..end].to_ascii_uppercase();
        let n = match binds.iter().position(|b| *b == name) {
            Some(p) => p + 1,
            None => {
                binds.push(name);
                binds.len()
            }
        };
        out.push_str(&sql[copied..i]);
        out.push_str(&format!("${n}"));
        copied = end;
        i = end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&sql[copied..]);
    Some(out)
}

/// The variable keeping `what` of `cursor` (as written, maybe with
/// arguments) when the cursor is among `cursors`.
fn tracked(
    cursors: &std::collections::BTreeSet<String>,
    cursor: &str,
    what: &str,
) -> Option<String> {
    let name = cursor.split('(').next()?.trim();
    cursors.contains(name).then(|| super::expr::cursor_variable(name, what))
}

/// A package variable assigned through a local copy.
struct StateCopy {
    package: String,
    name: String,
    copy: String,
    setting: String,
}

impl StateCopy {
    /// The statement that stores the copy in the variable's setting.
    fn store(&self) -> String {
        format!("PERFORM set_config('{}', coalesce({}::text, ''), false);", self.setting, self.copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_numbered_by_first_use() {
        let mut binds = Vec::new();
        assert_eq!(
            renumber_binds("UPDATE t SET a = :v WHERE id = :id AND b = :v", &mut binds).as_deref(),
            Some("UPDATE t SET a = $1 WHERE id = $2 AND b = $1")
        );
        assert_eq!(renumber_binds("SELECT ':x' FROM t", &mut Vec::new()), None);
    }

    #[test]
    fn an_element_field_target_loses_its_parentheses() {
        assert_eq!(assignment_target("(v[i]).name"), "v[i].name");
        assert_eq!(assignment_target("v"), "v");
    }
}
