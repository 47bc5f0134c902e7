//! A small hostile HTTP server for the fault cases only: it answers every
//! request with one canned misbehaviour. The real protocol is tested
//! against the real kosync server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub enum Misbehaviour {
    /// A web page where JSON was expected.
    Html,
    /// Bytes that are no JSON.
    Garbage,
    /// Bytes that are not even HTTP.
    NotHttp,
    /// A body of 10 MB, its length announced.
    Huge,
    /// A body of 10 MB, its length not announced.
    HugeUnannounced,
    /// No answer for 10 s.
    Slow,
    /// A redirect to another host.
    RedirectElsewhere,
    /// A place at 7.5 times the document, as if from another device.
    PlaceOutOfRange,
}

/// Start the server; returns its URL. The thread lives as long as the
/// test process.
pub fn serve(how: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, how));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn answer(stream: TcpStream, how: Misbehaviour) {
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut stream = reader.into_inner();
    let _ = match how {
        Misbehaviour::Html => reply(
            &mut stream,
            "200 OK",
            "text/html",
            b"<!DOCTYPE html><html><body>Welcome to nginx!</body></html>",
        ),
        Misbehaviour::Garbage => reply(
            &mut stream,
            "200 OK",
            "application/json",
            b"\x00\x01garbage{",
        ),
        Misbehaviour::NotHttp => stream.write_all(b"\x00\x01garbage\r\n\r\n"),
        Misbehaviour::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Length: 10485760\r\nConnection: close\r\n\r\n";
            stream
                .write_all(head.as_bytes())
                .and_then(|()| flood(&mut stream))
        }
        Misbehaviour::HugeUnannounced => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            stream
                .write_all(head.as_bytes())
                .and_then(|()| flood(&mut stream))
        }
        Misbehaviour::Slow => {
            std::thread::sleep(Duration::from_secs(10));
            reply(&mut stream, "200 OK", "application/json", b"{}")
        }
        Misbehaviour::RedirectElsewhere => {
            let head = "HTTP/1.1 302 Found\r\nLocation: http://evil.example/users/auth\r\n\
                        Content-Length: 0\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes())
        }
        Misbehaviour::PlaceOutOfRange => reply(
            &mut stream,
            "200 OK",
            "application/json",
            br#"{"document":"d","percentage":7.5,"progress":"/body/DocFragment[1]/body/p[1]/text().0","device":"tablet","device_id":"X","timestamp":4102444800}"#,
        ),
    };
}

fn reply(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}

fn flood(stream: &mut TcpStream) -> std::io::Result<()> {
    let chunk = [b'7'; 64 * 1024];
    for _ in 0..160 {
        stream.write_all(&chunk)?;
    }
    Ok(())
}
