//! The PL/SQL parse tree.
//!
//! Built for a translator that rewrites it into PL/pgSQL: every node keeps its
//! [`Span`] (byte offsets into the decoded file text, plus line and column), names keep
//! their original spelling and quoting, and each unit keeps its comments. Statements and
//! declarations are structured; expressions, conditions and data types are kept as
//! [`Fragment`]s of source text, because the translator rewrites them token by token.
//! Embedded SQL is described by [`SqlStatement`] (what it reads and writes), not by
//! sqlparser's own tree, which the translator can rebuild from the span.

use serde::{Deserialize, Serialize};

/// Where a node is: byte offsets into the decoded text and 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// The span from the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span { end: other.end, end_line: other.end_line, end_col: other.end_col, ..self }
    }
}

/// An identifier as written. Oracle folds unquoted names to upper case and keeps
/// quoted ones exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ident {
    /// The spelling in the source, without quotes.
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

impl Ident {
    /// The name Oracle stores in its dictionary.
    pub fn canonical(&self) -> String {
        if self.quoted {
            self.text.clone()
        } else {
            self.text.to_uppercase()
        }
    }
}

/// `a`, `schema.pkg` or `schema.pkg.proc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualifiedName {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl QualifiedName {
    /// The dictionary spelling, parts joined with `.`.
    pub fn canonical(&self) -> String {
        let parts: Vec<String> = self.parts.iter().map(Ident::canonical).collect();
        parts.join(".")
    }

    /// The last part: the object's own name.
    pub fn last(&self) -> &Ident {
        self.parts.last().expect("a qualified name has at least one part")
    }
}

/// Source text kept as written: an expression, a condition or a data type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    pub text: String,
    pub span: Span,
}

/// A comment, `--` or `/* */`, with its text as written (delimiters excluded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub text: String,
    pub block: bool,
    pub span: Span,
}

/// The parse tree of one object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub span: Span,
    pub comments: Vec<Comment>,
    /// Set when conditional compilation cut through the syntax and the tree describes
    /// one variant of the code: for each `$IF`, its `$ELSE` branch, else its `$IF`
    /// branch. Otherwise every branch is in the tree as a `Conditional` node.
    pub one_variant: bool,
    pub item: UnitItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitItem {
    PackageSpec(Package),
    PackageBody(Package),
    Subprogram(Subprogram),
    Trigger(Trigger),
    TypeSpec(TypeSpec),
    TypeBody(Package),
    View(View),
    /// Tables, indexes, sequences, synonyms: the statement and what it names.
    Ddl(SqlStatement),
    JavaSource {
        name: String,
    },
}

/// A package spec, package body or type body: its members and, for a body, the
/// initialisation section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub name: QualifiedName,
    /// `AUTHID`, `ACCESSIBLE BY`, `SERIALLY_REUSABLE` and the like, as written.
    pub options: Vec<Fragment>,
    pub declarations: Vec<Declaration>,
    pub initialization: Option<Vec<Statement>>,
    pub handlers: Vec<Handler>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub span: Span,
    pub item: DeclarationItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclarationItem {
    Variable {
        name: Ident,
        constant: bool,
        datatype: Fragment,
        not_null: bool,
        default: Option<Fragment>,
    },
    Exception {
        name: Ident,
    },
    Pragma {
        name: Ident,
        arguments: Vec<Fragment>,
    },
    /// `TYPE t IS RECORD (...)`, `IS TABLE OF`, `IS VARRAY`, `IS REF CURSOR`.
    Type {
        name: Ident,
        kind: TypeKind,
        definition: Fragment,
    },
    Subtype {
        name: Ident,
        definition: Fragment,
    },
    Cursor {
        name: Ident,
        parameters: Vec<Parameter>,
        return_type: Option<Fragment>,
        query: Option<SqlStatement>,
    },
    Subprogram(Subprogram),
    Conditional(Conditional<Declaration>),
    /// A declaration that did not parse, kept so that nothing is lost.
    Unparsed {
        text: String,
        error: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    Record,
    Table,
    AssociativeArray,
    Varray,
    RefCursor,
    Object,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubprogramKind {
    Procedure,
    Function,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterMode {
    In,
    Out,
    InOut,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: Ident,
    pub mode: ParameterMode,
    pub nocopy: bool,
    pub datatype: Fragment,
    pub default: Option<Fragment>,
    pub span: Span,
}

/// A procedure or function: standalone, package member, nested, or type method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subprogram {
    pub kind: SubprogramKind,
    pub name: QualifiedName,
    /// `MEMBER`, `STATIC`, `CONSTRUCTOR`, `MAP`, `ORDER`, `OVERRIDING`... for methods.
    pub method_modifiers: Vec<String>,
    pub parameters: Vec<Parameter>,
    pub return_type: Option<Fragment>,
    /// `DETERMINISTIC`, `PIPELINED`, `RESULT_CACHE`, `AUTHID DEFINER`... as written.
    pub options: Vec<Fragment>,
    /// `None` for a spec or forward declaration.
    pub body: Option<SubprogramBody>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubprogramBody {
    Block(Block),
    /// A call spec: `AS LANGUAGE JAVA NAME '...'` or `LANGUAGE C ...`.
    External {
        language: String,
        name: Option<String>,
        span: Span,
    },
}

/// `[DECLARE] declarations BEGIN statements [EXCEPTION handlers] END [label]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub declarations: Vec<Declaration>,
    pub statements: Vec<Statement>,
    pub handlers: Vec<Handler>,
    pub end_label: Option<Ident>,
    pub span: Span,
}

/// `WHEN e1 OR e2 THEN statements`; `OTHERS` is a name like any other here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handler {
    pub exceptions: Vec<QualifiedName>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

/// `$IF cond $THEN ... $ELSIF cond $THEN ... $ELSE ... $END`, over statements or
/// declarations; `$ERROR ... $END` is a branch-less item with `error` set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conditional<T> {
    pub branches: Vec<(Fragment, Vec<T>)>,
    pub otherwise: Option<Vec<T>>,
    pub error: Option<Fragment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub labels: Vec<Ident>,
    pub span: Span,
    pub item: StatementItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementItem {
    Null,
    Assignment {
        target: Fragment,
        value: Fragment,
    },
    /// A procedure call, `pkg.proc(a, b)` or a bare `proc`.
    Call {
        name: QualifiedName,
        arguments: Vec<Fragment>,
        /// The whole call as written, for calls on collection elements and methods.
        text: Fragment,
    },
    If {
        branches: Vec<(Fragment, Vec<Statement>)>,
        otherwise: Option<Vec<Statement>>,
    },
    Case {
        selector: Option<Fragment>,
        whens: Vec<(Fragment, Vec<Statement>)>,
        otherwise: Option<Vec<Statement>>,
    },
    Loop {
        kind: LoopKind,
        body: Vec<Statement>,
        end_label: Option<Ident>,
    },
    Exit {
        continue_loop: bool,
        label: Option<Ident>,
        when: Option<Fragment>,
    },
    Goto {
        label: Ident,
    },
    Return {
        value: Option<Fragment>,
    },
    Raise {
        exception: Option<QualifiedName>,
    },
    Open {
        cursor: Fragment,
        /// `OPEN c FOR query` or `OPEN c FOR string_expression`.
        query: Option<SqlStatement>,
        dynamic: Option<Fragment>,
        using: Vec<Fragment>,
    },
    Fetch {
        cursor: Fragment,
        bulk_collect: bool,
        into: Vec<Fragment>,
        limit: Option<Fragment>,
    },
    Close {
        cursor: Fragment,
    },
    ExecuteImmediate {
        sql: Fragment,
        bulk_collect: bool,
        into: Vec<Fragment>,
        using: Vec<Fragment>,
        returning_into: Vec<Fragment>,
    },
    Forall {
        index: Ident,
        bounds: Fragment,
        save_exceptions: bool,
        statement: Box<Statement>,
    },
    PipeRow {
        value: Fragment,
    },
    Commit,
    Rollback {
        savepoint: Option<Ident>,
    },
    Savepoint {
        name: Ident,
    },
    /// SELECT INTO, INSERT, UPDATE, DELETE, MERGE, LOCK TABLE, SET TRANSACTION.
    Sql(SqlStatement),
    Block(Block),
    Conditional(Conditional<Statement>),
    /// A statement that did not parse: its text and the error; parsing went on after
    /// the next `;` at the same depth.
    Unparsed {
        text: String,
        error: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoopKind {
    Basic,
    While {
        condition: Fragment,
    },
    /// `FOR i IN [REVERSE] low .. high`.
    Range {
        index: Ident,
        reverse: bool,
        bounds: Fragment,
    },
    /// `FOR r IN cursor[(args)]` or `FOR r IN (SELECT ...)`.
    Cursor {
        record: Ident,
        cursor: Option<Fragment>,
        query: Option<Box<SqlStatement>>,
    },
}

/// Which reader understood an embedded SQL statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlPath {
    /// sqlparser's parser with the Oracle dialect accepted it.
    Sqlparser,
    /// sqlparser rejected it; tables come from a reading of the tokens.
    TokenFallback,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqlKind {
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Lock,
    Transaction,
    CreateTable,
    CreateView,
    CreateIndex,
    CreateSequence,
    CreateSynonym,
    Other,
}

/// An SQL statement inside PL/SQL (or a DDL object), with its PL/SQL-only parts set
/// aside and what it reads and writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SqlStatement {
    pub kind: SqlKind,
    pub span: Span,
    pub text: String,
    pub path: SqlPath,
    /// sqlparser's message when [`SqlPath::TokenFallback`] was taken.
    pub sqlparser_error: Option<String>,
    pub bulk_collect: bool,
    /// `INTO` targets of a `SELECT`.
    pub into: Vec<Fragment>,
    /// `RETURNING ... INTO` targets.
    pub returning_into: Vec<Fragment>,
    /// A trailing `FOR UPDATE [OF ...] [NOWAIT | WAIT n | SKIP LOCKED]`.
    pub for_update: Option<Fragment>,
    /// `CURRENT OF cursor` of a positioned `UPDATE` or `DELETE`.
    pub current_of: Option<Fragment>,
    /// Bind variables and trigger pseudo-records, `:name`, `:1`, `:NEW`.
    pub binds: Vec<String>,
    /// Tables and views read, canonical spelling, in order of first use.
    pub reads: Vec<String>,
    /// Tables and views written.
    pub writes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: QualifiedName,
    /// `BEFORE`, `AFTER`, `INSTEAD OF` or `FOR` (compound), as written.
    pub timing: String,
    /// `INSERT OR UPDATE OF col ON`, up to the `ON`.
    pub events: Fragment,
    /// The table or view; `None` for `ON DATABASE` and `ON SCHEMA` triggers.
    pub target: Option<QualifiedName>,
    /// `REFERENCING`, `FOR EACH ROW`, `FOLLOWS`, `ENABLE`... as written.
    pub clauses: Vec<Fragment>,
    pub for_each_row: bool,
    pub when: Option<Fragment>,
    pub body: TriggerBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerBody {
    Block(Block),
    Call(Fragment),
    Compound { declarations: Vec<Declaration>, sections: Vec<TimingPoint> },
}

/// `BEFORE EACH ROW IS BEGIN ... END BEFORE EACH ROW;` in a compound trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimingPoint {
    pub timing: Fragment,
    pub block: Block,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeSpec {
    pub name: QualifiedName,
    pub kind: TypeKind,
    /// The supertype of `UNDER parent`.
    pub under: Option<QualifiedName>,
    pub attributes: Vec<Attribute>,
    pub methods: Vec<Subprogram>,
    /// The text after `IS`/`AS` for collections (`TABLE OF x`, `VARRAY(n) OF x`).
    pub definition: Option<Fragment>,
    /// `AUTHID`, `FORCE`, `NOT FINAL`, `INSTANTIABLE`... as written.
    pub options: Vec<Fragment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: Ident,
    pub datatype: Fragment,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub name: QualifiedName,
    pub columns: Vec<Ident>,
    pub query: SqlStatement,
}
