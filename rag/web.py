"""The chat page (Gradio) and the HTTP API (FastAPI) around one Answerer."""

from __future__ import annotations

import html
import itertools
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
from pydantic import BaseModel, Field

from .admin import NOT_EDITOR, add_document_routes, admin_enabled, is_editor, presents_token, upload_limit_bytes
from .admission import AdmissionQueue
from .answer import Answerer, AnswerEvent, AnswerResult
from .config import Settings
from .documents import DocumentLibrary, swap_into
from .errors import Busy
from .feedback import FeedbackStore
from .ratelimit import RateLimiter

log = logging.getLogger(__name__)

TITLE = "記事に聞く Q&A"
INTRO = ("収録されている記事の内容について、日本語で質問してください。答えには根拠となった記事の箇所を番号付きで示します。"
         "記事に書かれていないことには「資料には記載がありません」と答えます。")
PLACEHOLDER = "質問を入力してください(Enterで送信、Shift+Enterで改行)"
EMPTY_HINT = "質問が空です。知りたいことを入力してください。"
ERROR_MESSAGE = "申し訳ありません。回答の作成中に問題が発生しました。もう一度お試しください。"
BUSY_MESSAGE = "ただいま混み合っています。しばらく待ってから、もう一度お試しください。"
RATE_MESSAGE = "短い時間に質問が続いたため、少しお待ちください。{s}秒ほどで再び質問できます。"
WAITING_MESSAGE = "順番待ちです(前に{n}件の質問があります)…"
AUTH_PAGE = ("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>ログインが必要です</title>"
             "<p>このページを見るには、管理者から知らされたリンク(トークン付き)で開いてください。</p></html>")
HEIGHT_MESSAGE = "jp-rag:height"
# ?embed=1: compact layout without the header; inside an iframe, report the content height to the parent
# page (postMessage) so the host can size the frame to fit.
EMBED_JS = """() => {
  if (new URLSearchParams(location.search).get('embed') !== '1') return;
  document.body.classList.add('embed');
  if (window.parent === window) return;
  let last = 0;
  const report = () => {
    // The bottom of the last block, not the page height: the page stretches to the frame and would only grow.
    let bottom = 0;
    for (const el of document.querySelectorAll('.contain > * > *'))
      bottom = Math.max(bottom, el.getBoundingClientRect().bottom + window.scrollY);
    const height = Math.ceil(bottom) + 24;
    if (bottom > 0 && Math.abs(height - last) > 2) {
      last = height;
      window.parent.postMessage({type: '%s', height: height}, '*');
    }
  };
  new ResizeObserver(report).observe(document.body);
  new MutationObserver(report).observe(document.body, {childList: true, subtree: true});
  report();
}""" % HEIGHT_MESSAGE
CSS = """
body, .gradio-container { font-family: "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI",
  Meiryo, sans-serif; font-size: 16px; line-height: 1.7; }
.gradio-container { max-width: 880px !important; margin: 0 auto; }
.sources { font-size: 15px; }
.sources .card { border: 1px solid #d9d9e3; border-radius: 8px; padding: 10px 12px; margin: 8px 0; background: #fff; }
.sources .card h4 { margin: 0 0 4px; font-size: 15px; }
.sources .meta { color: #5b5b6b; font-size: 13px; }
.sources mark { background: #fff2a8; padding: 0 2px; }
.embed header, .embed .intro, .embed footer { display: none !important; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } }
"""


def _card(title: str, body_html: str, publisher: str = "", date: str = "", anchor: str = "", page: int | None = None) -> str:
    """One passage card; every piece of text is escaped here or by the caller (body_html)."""
    meta = " ・ ".join(html.escape(x) for x in (publisher, date, f"p.{page}" if page else "") if x)
    ident = f' id="{anchor}"' if anchor else ""
    return (f'<div class="card"{ident}><h4>{html.escape(title)}</h4><div class="meta">{meta}</div>'
            f"<div>{body_html}</div></div>")


def page_of(documents: dict | None, doc_id: str, offset: int) -> int | None:
    """The page of a PDF article holding character `offset` of its text; None for other formats."""
    doc = (documents or {}).get(doc_id)
    return doc.page_at(offset) if doc is not None and getattr(doc, "pages", None) else None


def with_pages(result: dict, documents: dict | None) -> dict:
    """An answer's JSON with `page` on each citation and passage (the page its quote or best sentence starts on)."""
    starts = {p["passage_id"]: p["start"] for p in result.get("passages", [])}
    for c in result.get("citations", []):
        c["page"] = page_of(documents, c["doc_id"], starts.get(c["passage_id"], 0) + c["quote_start"]) \
            if c["passage_id"] in starts else None
    for p in result.get("passages", []):
        p["page"] = page_of(documents, p["doc_id"], p["start"] + (p.get("best_sentence") or [0])[0])
    return result


def _cards(result: AnswerResult, documents: dict | None = None) -> str:
    """Cited passages (or, for a refusal, related ones) as escaped HTML, the quote highlighted; a PDF passage names
    its page (documents: the index's, by doc_id)."""
    parts = []
    starts = {p["passage_id"]: p["start"] for p in result.passages}
    if result.citations:
        parts.append("<p><b>出典</b></p>")
        for c in result.citations:
            before, quote, after = (html.escape(c.text[:c.quote_start]), html.escape(c.text[c.quote_start:c.quote_end]),
                                    html.escape(c.text[c.quote_end:]))
            page = page_of(documents, c.doc_id, starts[c.passage_id] + c.quote_start) if c.passage_id in starts else None
            parts.append(_card(f"[{c.n}] {c.title}", f"{before}<mark>{quote}</mark>{after}", c.publisher, c.date,
                               f"source-{c.n}", page))
    elif result.passages and result.question:
        parts.append("<p><b>関連する箇所</b>(質問への答えそのものは見つかりませんでした)</p>")
        for p in result.passages[:3]:
            page = page_of(documents, p["doc_id"], p["start"] + (p.get("best_sentence") or [0])[0])
            parts.append(_card(p["title"], html.escape(p["text"]), p.get("publisher", ""), p.get("date", ""), page=page))
    return f'<div class="sources">{"".join(parts)}</div>'


def _preview(hits, documents: dict | None = None) -> str:
    """The best passage, shown while the answer is being written."""
    if not hits:
        return ""
    p = hits[0].passage
    page = page_of(documents, p.doc_id, hits[0].best_sentence[0])
    return (f'<div class="sources"><p><b>いちばん関連の深い箇所</b>(回答を作成中…)</p>'
            f"{_card(p.title, html.escape(p.text), page=page)}</div>")


def as_shown(text: str) -> str:
    """Chat text for display: the chat bubble renders HTML, so markup typed by anyone is escaped to show as text."""
    return html.escape(text, quote=False)


def as_typed(shown: str) -> str:
    """The text as the user typed it, back from the chat's escaped form."""
    return html.unescape(str(shown))


def _history_for_pipeline(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": as_typed(m.get("content", ""))} for m in messages
            if isinstance(m, dict) and m.get("role") in ("user", "assistant")]


def example_questions(questions_file: Path, n: int = 4) -> list[str]:
    """A few answerable questions from the project's question set, as clickable examples."""
    examples = []
    if questions_file.is_file():
        for line in questions_file.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if row.get("answerable", True) and not row.get("history") and len(row.get("question", "")) < 40:
                examples.append(row["question"])
    return examples[:: max(1, len(examples) // n)][:n]


def client_key(request, settings: Settings) -> str:
    """Whom a request (Starlette's or Gradio's) counts against for rate limiting: the sign-on user, else the address."""
    user = request.headers.get(settings.auth_header) if settings.auth_header else None
    return f"user:{user}" if user else f"addr:{request.client.host if request.client else '?'}"


def answer_in_turn(answerer: Answerer, line: AdmissionQueue, question: str, history: list[dict],
                   poll_s: float = 1.0) -> Iterator[AnswerEvent]:
    """The answer's events once it is this caller's turn; "queued" events (text = position) while waiting.

    Raises Busy when the line is full. Closing the iterator early gives up the place in line."""
    ticket = line.join()
    try:
        while not ticket.wait(poll_s):
            yield AnswerEvent("queued", text=str(ticket.position))
        yield from answerer.stream(question, history=history)
    finally:
        ticket.leave()


def build_demo(answerer: Answerer, settings: Settings, feedback: FeedbackStore, examples: list[str],
               line: AdmissionQueue, limiter: RateLimiter):
    def respond(message: str, chat: list[dict], state: dict, request: gr.Request) -> Iterator[tuple]:
        message = (message or "").strip()
        chat = list(chat or [])
        if not message:
            gr.Info(EMPTY_HINT)
            yield chat, gr.update(), state, ""
            return
        history = _history_for_pipeline(chat)
        chat = chat + [{"role": "user", "content": as_shown(message)}, {"role": "assistant", "content": "…"}]
        wait_s = limiter.check(client_key(request, settings)) if request else 0.0
        if wait_s:
            chat[-1] = {"role": "assistant", "content": RATE_MESSAGE.format(s=max(1, round(wait_s)))}
            yield chat, "", state, ""
            return
        yield chat, "", state, ""
        answer = ""
        try:
            for event in answer_in_turn(answerer, line, message, history):
                if event.kind == "queued":
                    chat[-1] = {"role": "assistant", "content": WAITING_MESSAGE.format(n=event.text)}
                    yield chat, gr.update(), state, gr.update()
                elif event.kind == "retrieved":
                    chat[-1] = {"role": "assistant", "content": "…"}
                    yield chat, gr.update(), state, _preview(event.hits, answerer.retriever.index.documents)
                elif event.kind == "token":
                    answer += event.text
                    chat[-1] = {"role": "assistant", "content": as_shown(answer)}
                    yield chat, gr.update(), state, gr.update()
                elif event.kind == "final":
                    result = event.result
                    text = result.answer + (f"\n\n({result.notice})" if result.notice else "")
                    chat[-1] = {"role": "assistant", "content": as_shown(text)}
                    state = {**state, str(len(chat) - 1): result.to_dict()}
                    yield chat, gr.update(), state, _cards(result, answerer.retriever.index.documents)
        except Busy:
            chat[-1] = {"role": "assistant", "content": BUSY_MESSAGE}
            yield chat, gr.update(), state, ""
        except Exception:  # the page must stay up whatever the pipeline does
            log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": ERROR_MESSAGE}
            yield chat, gr.update(), state, ""

    def on_like(data: gr.LikeData, chat: list[dict], state: dict):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        result = state.get(str(index), {})
        question = chat[index - 1]["content"] if index and index - 1 < len(chat) else ""
        feedback.add(bool(data.liked), as_typed(question), as_typed(chat[index]["content"]), result.get("passages"))
        gr.Info("フィードバックありがとうございます。")

    with gr.Blocks(title=TITLE, css=CSS, theme=gr.themes.Soft(), analytics_enabled=False,
                   elem_id="app") as demo:
        state = gr.State({})
        with gr.Column(elem_classes="intro"):
            gr.Markdown(f"# {TITLE}\n{INTRO}")
        chatbot = gr.Chatbot(type="messages", label="会話", show_copy_button=True, height=460,
                             show_label=False, render_markdown=False, elem_id="chat",
                             placeholder="記事について質問してみましょう。")
        with gr.Row(equal_height=True):
            box = gr.Textbox(placeholder=PLACEHOLDER, show_label=False, lines=1, max_lines=6, scale=5,
                             max_length=settings.max_question_chars * 4, elem_id="question", autofocus=True)
            send = gr.Button("送信", variant="primary", scale=1, min_width=80, elem_id="send")
        with gr.Row():
            stop = gr.Button("停止", scale=1, size="sm", elem_id="stop")
            clear = gr.Button("会話をクリア", scale=1, size="sm", elem_id="clear")
        sources = gr.HTML(elem_id="sources")
        if examples:
            gr.Examples(examples, inputs=box, label="質問の例")
        outputs = [chatbot, box, state, sources]
        submit = box.submit(respond, [box, chatbot, state], outputs, concurrency_id="answer", api_name="chat")
        click = send.click(respond, [box, chatbot, state], outputs, concurrency_id="answer", api_name=False)
        stop.click(None, cancels=[submit, click])
        clear.click(lambda: ([], "", {}, ""), None, outputs, queue=False)
        chatbot.like(on_like, [chatbot, state], None)
        demo.load(None, None, None, js=EMBED_JS)
    return demo


def frame_ancestors(allowed_origins: str) -> str:
    origins = [o.strip() for o in allowed_origins.replace(",", " ").split() if o.strip()]
    return "frame-ancestors 'self'" + "".join(f" {o}" for o in origins)


class Turn(BaseModel):
    """One earlier message of the conversation."""
    role: str
    content: str = Field(max_length=20000)

class AskRequest(BaseModel):
    """Body of POST /api/ask: the question and, for follow-ups, the earlier turns."""
    question: str = Field(max_length=20000)
    history: list[Turn] = Field(default_factory=list, max_length=50)

class FeedbackRequest(BaseModel):
    """Body of POST /api/feedback."""
    liked: bool
    question: str = Field(max_length=20000)
    answer: str = Field(max_length=20000)
    passages: list[dict] = Field(default_factory=list, max_length=20)
    comment: str = Field(default="", max_length=2000)


def is_authorized(headers, cookies, query, settings: Settings) -> tuple[bool, str]:
    """Whether a request may pass, and the token to remember in a cookie when it came in the URL."""
    if not settings.auth_token and not settings.auth_header:
        return True, ""
    if settings.auth_header and headers.get(settings.auth_header, "").strip():
        return True, ""
    if settings.auth_token:
        return presents_token(settings.auth_token, TOKEN_COOKIE, headers, cookies, query)
    return False, ""


TOKEN_COOKIE = "rag_token"
ASK_PATHS = ("/api/ask", "/api/ask/stream")
MAX_BODY = 256 * 1024


def build_app(answerer: Answerer, settings: Settings, examples: list[str] | None = None):
    """FastAPI app: the chat page at /, the JSON API under /api, /healthz; framing limited by CSP."""
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse

    feedback = FeedbackStore(settings.feedback_path)
    line = AdmissionQueue(settings.max_waiting)
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app = FastAPI(title=TITLE, docs_url="/api/docs", openapi_url="/api/openapi.json")
    csp = frame_ancestors(settings.allowed_origins)
    library = None
    if admin_enabled(settings):  # otherwise the 「資料の管理」 page and /api/documents do not exist at all
        library = DocumentLibrary(settings, answerer.retriever.embedder, lambda: answerer.retriever.index,
                                  swap_into(answerer, line))
        add_document_routes(app, library, settings)
    app.state.documents = library

    def refuse(request: Request, status: int, error: str, message: str, headers: dict | None = None):
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(AUTH_PAGE if status == 401 else html.escape(message), status, headers=headers)
        return JSONResponse({"error": error, "message": message}, status, headers=headers)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        length = request.headers.get("content-length", "")
        # behind a proxy prefix (root_path) the path may carry it; the document routes are matched without it
        route = path.removeprefix(request.scope.get("root_path") or "")
        limit = upload_limit_bytes(settings) if library and route == "/api/documents" else MAX_BODY
        too_large = length.isdigit() and int(length) > limit and not path.endswith("/upload")
        allowed, token_from_url = is_authorized(request.headers, request.cookies, request.query_params, settings)
        if not allowed and library:  # an editor may use the page and API without the users' credential too
            allowed = is_editor(request.headers, request.cookies, request.query_params, settings)[0]
        wait_s = 0.0
        if request.method == "POST" and path in ASK_PATHS and allowed and not too_large:
            wait_s = limiter.check(client_key(request, settings))
        # Checked here, before FastAPI reads (and spools) an upload's body for the endpoint.
        not_editor = library is not None and route.startswith("/api/documents") and \
            not is_editor(request.headers, request.cookies, request.query_params, settings)[0]
        if too_large:
            response = refuse(request, 413, "request too large", "リクエストが大きすぎます。")
        elif not_editor and allowed:
            response = refuse(request, 403, "editor only", NOT_EDITOR)
        elif path != "/healthz" and not allowed:
            response = refuse(request, 401, "authentication required", "認証が必要です。",
                              {"WWW-Authenticate": "Bearer"})
        elif wait_s:
            seconds = max(1, round(wait_s))
            response = refuse(request, 429, "too many questions", RATE_MESSAGE.format(s=seconds),
                              {"Retry-After": str(seconds)})
        else:
            response = await call_next(request)
            if token_from_url:
                secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
                response.set_cookie(TOKEN_COOKIE, token_from_url, httponly=True, secure=secure,
                                    samesite="none" if secure else "lax")
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.get("/healthz")
    def healthz() -> dict:
        index = answerer.retriever.index
        return {"status": "ok", "documents": len(index.documents), "passages": len(index.passages),
                "generator": answerer.generator.name, "index_built_at": index.manifest.get("built_at"),
                "waiting": line.waiting}

    def busy() -> HTTPException:
        return HTTPException(503, detail={"error": "busy", "message": BUSY_MESSAGE}, headers={"Retry-After": "10"})

    @app.post("/api/ask")
    def ask(body: AskRequest) -> dict:
        history = [t.model_dump() for t in body.history]
        try:
            for event in answer_in_turn(answerer, line, body.question, history):
                if event.kind == "final":
                    return with_pages(event.result.to_dict(), answerer.retriever.index.documents)
        except Busy:
            raise busy() from None
        raise HTTPException(500, detail={"error": "no answer", "message": ERROR_MESSAGE})

    @app.post("/api/ask/stream")
    def ask_stream(body: AskRequest):
        history = [t.model_dump() for t in body.history]
        try:
            turn = answer_in_turn(answerer, line, body.question, history)
            first = next(turn)  # joins the line now, so a full line is answered with 503, not in-band
        except Busy:
            raise busy() from None

        def events() -> Iterator[str]:
            try:
                for event in itertools.chain([first], turn):
                    if event.kind == "queued":
                        data = {"position": int(event.text)}
                    elif event.kind == "retrieved":
                        data = {"passages": [h.passage.to_dict() for h in event.hits]}
                    elif event.kind == "token":
                        data = {"text": event.text}
                    else:
                        data = with_pages(event.result.to_dict(), answerer.retriever.index.documents)
                    yield f"event: {event.kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            except Exception as exc:  # report in-band: the HTTP status is already sent
                log.exception("streamed answer failed")
                yield f"event: error\ndata: {json.dumps({'error': str(exc)}, ensure_ascii=False)}\n\n"
            finally:
                turn.close()

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/api/feedback")
    def post_feedback(body: FeedbackRequest) -> dict:
        return feedback.add(body.liked, body.question, body.answer, body.passages, body.comment)

    demo = build_demo(answerer, settings, feedback, examples or [], line, limiter)
    # Chat-page answers enter the same first-come, first-served line as API answers (one answer is generated
    # at a time there), so Gradio lets every waiting one in; Gradio's own queue only holds the overflow.
    demo.queue(default_concurrency_limit=settings.max_waiting + 1, max_size=settings.max_waiting)
    return gr.mount_gradio_app(app, demo, path="/", root_path=settings.root_path or None,
                               allowed_paths=[], show_api=True)
