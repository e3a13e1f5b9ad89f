// A local upstream that answers as Anthropic's Messages API does, scripting a short
// tool-using session: while the conversation has no tool result and the request offers
// the Bash tool, it asks to run one command (a `git push` when the prompt asks to push); once
// the result is back, it answers in text quoting what the command printed.
// Streams and whole answers, /v1/messages/count_tokens; every request is logged to LOG.
import http from "node:http";
import fs from "node:fs";

const port = Number(process.argv[2]);
const log = process.argv[3];

function reply(body) {
  const messages = body.messages ?? [];
  const result = messages.flatMap(m => Array.isArray(m.content) ? m.content : []).find(b => b.type === "tool_result");
  const offersBash = (body.tools ?? []).some(t => t.name === "Bash");
  if (offersBash && !result) {
    const push = JSON.stringify(messages[0] ?? "").includes("push the branch");
    const input = push
      ? { command: "git push --dry-run origin main 2>/dev/null; echo pushed-after-approval", description: "Push the branch" }
      : { command: "echo hello-from-loopgate", description: "Print a greeting" };
    return { stop: "tool_use", blocks: [{ type: "tool_use", id: "toolu_e2e_1", name: "Bash", input }] };
  }
  const printed = result ? (Array.isArray(result.content) ? result.content.map(c => c.text ?? "").join("") : String(result.content ?? "")) : "";
  const text = result ? `The command printed ${printed.trim()}. Done.` : "OK";
  return { stop: "end_turn", blocks: [{ type: "text", text }] };
}

function usage(raw) {
  return { input_tokens: Math.ceil(raw.length / 4), cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
           output_tokens: 24 };
}

http.createServer((req, res) => {
  let raw = "";
  req.on("data", c => raw += c);
  req.on("end", () => {
    fs.appendFileSync(log, `${req.method} ${req.url} ${raw.length} bytes\n`);
    const body = raw ? JSON.parse(raw) : {};
    if (req.url.endsWith("/count_tokens")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ input_tokens: Math.ceil(raw.length / 4) }));
      return;
    }
    const { stop, blocks } = reply(body);
    const u = usage(raw);
    const id = "msg_e2e_" + Date.now();
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id, type: "message", role: "assistant", model: body.model, content: blocks,
                               stop_reason: stop, stop_sequence: null, usage: u }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("message_start", { type: "message_start", message: { id, type: "message", role: "assistant", model: body.model,
      content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } } });
    blocks.forEach((block, index) => {
      if (block.type === "text") {
        send("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
        send("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } });
      } else {
        send("content_block_start", { type: "content_block_start", index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
        send("content_block_delta", { type: "content_block_delta", index,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } });
      }
      send("content_block_stop", { type: "content_block_stop", index });
    });
    send("message_delta", { type: "message_delta", delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: u.output_tokens } });
    send("message_stop", { type: "message_stop" });
    res.end();
  });
}).listen(port, "127.0.0.1");
