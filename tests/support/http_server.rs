//! A small HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: it
//! records every request and answers with what the test says, so a test can
//! check both what was sent and how the client took the answer.
//!
//! One request per connection (every answer says `Connection: close`), and
//! request bodies by `Content-Length` only: what reqwest sends, and no more.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server got it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", self.body))
    }
}

/// An answer: a status, headers and a body, or a connection closed unanswered.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    hang_up: bool,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::text(status, &body.to_string()).header("content-type", "application/json")
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply { status, headers: Vec::new(), body: body.to_owned(), hang_up: false }
    }

    /// Closes the connection without a word, as a crashed server would.
    pub fn hang_up() -> Reply {
        Reply { hang_up: true, ..Reply::text(0, "") }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Answer = dyn Fn(&Recorded) -> Reply + Send + Sync;

pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Answers each request with `answer(request)`, from a thread per
    /// connection, so requests may be in flight together.
    pub fn start(answer: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the test server");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (recorded, answer) = (recorded.clone(), answer.clone());
                std::thread::spawn(move || serve(stream, &recorded, answer.as_ref()));
            }
        });
        Server { addr, requests }
    }

    /// Answers with `replies` in turn, then with 500 and a body saying the
    /// script ran out.
    pub fn scripted(replies: Vec<Reply>) -> Server {
        let replies = Mutex::new(std::collections::VecDeque::from(replies));
        Server::start(move |_| {
            replies
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Reply::text(500, "script ran out"))
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

fn serve(stream: TcpStream, recorded: &Mutex<Vec<Recorded>>, answer: &Answer) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else { return };
    recorded.lock().unwrap().push(request.clone());
    let reply = answer(&request);
    if reply.hang_up {
        return;
    }
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", reply.body.len()));
    out.push_str(&reply.body);
    let _ = reader.get_mut().write_all(out.as_bytes());
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().expect("a numeric content-length"));
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded { method, path, headers, body })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
