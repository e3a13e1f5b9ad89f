// A local upstream that serves the OpenAI Responses API, scripting a short tool-using session:
// while the input has no function call output and a command tool is offered, it asks to run one
// command; once the output is back, it answers in text. Streams (the real event sequence) and
// whole responses; every request is logged to LOG.
import http from "node:http";
import fs from "node:fs";

const port = Number(process.argv[2]);
const log = process.argv[3];

function commandTool(tools) {
  return (tools ?? []).find(t => t.type === "function" && /exec|shell/i.test(t.name ?? ""));
}

function output(body) {
  const input = Array.isArray(body.input) ? body.input : [];
  const hasOutput = input.some(i => i.type === "function_call_output");
  const tool = commandTool(body.tools);
  if (tool && !hasOutput) {
    const props = tool.parameters?.properties ?? {};
    const args = "cmd" in props ? { cmd: "echo hello-from-loopgate" }
      : { command: props.command?.type === "array" ? ["bash", "-lc", "echo hello-from-loopgate"] : "echo hello-from-loopgate" };
    return { type: "function_call", id: "fc_e2e_1", call_id: "call_e2e_1", name: tool.name,
             arguments: JSON.stringify(args), status: "completed" };
  }
  return { type: "message", id: "msg_e2e_1", role: "assistant", status: "completed",
           content: [{ type: "output_text", annotations: [], logprobs: [],
                       text: hasOutput ? "The command printed hello-from-loopgate. Done." : "OK" }] };
}

function response(body, raw, status, items) {
  const input = Math.ceil(raw.length / 4);
  return { id: "resp_e2e_" + Date.now(), object: "response", created_at: Math.floor(Date.now() / 1000), status,
    error: null, incomplete_details: null, instructions: null, max_output_tokens: body.max_output_tokens ?? null,
    model: body.model, output: items, parallel_tool_calls: true, previous_response_id: null,
    reasoning: { effort: null, summary: null }, store: false, temperature: 1, text: { format: { type: "text" } },
    tool_choice: "auto", tools: [], top_p: 1, truncation: "disabled",
    usage: status === "completed" ? { input_tokens: input, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 24, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + 24 } : null,
    user: null, metadata: {} };
}

http.createServer((req, res) => {
  let raw = "";
  req.on("data", c => raw += c);
  req.on("end", () => {
    fs.appendFileSync(log, `${req.method} ${req.url} ${raw.length} bytes\n`);
    const body = raw ? JSON.parse(raw) : {};
    const item = output(body);
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(response(body, raw, "completed", [item])));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    let seq = 0;
    const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
    send("response.created", { response: response(body, raw, "in_progress", []) });
    send("response.in_progress", { response: response(body, raw, "in_progress", []) });
    if (item.type === "function_call") {
      send("response.output_item.added", { output_index: 0, item: { ...item, arguments: "", status: "in_progress" } });
      send("response.function_call_arguments.delta", { item_id: item.id, output_index: 0, delta: item.arguments });
      send("response.function_call_arguments.done", { item_id: item.id, output_index: 0, arguments: item.arguments });
    } else {
      const text = item.content[0].text;
      send("response.output_item.added", { output_index: 0, item: { ...item, content: [], status: "in_progress" } });
      send("response.content_part.added", { item_id: item.id, output_index: 0, content_index: 0,
        part: { type: "output_text", annotations: [], logprobs: [], text: "" } });
      send("response.output_text.delta", { item_id: item.id, output_index: 0, content_index: 0, delta: text, logprobs: [] });
      send("response.output_text.done", { item_id: item.id, output_index: 0, content_index: 0, text, logprobs: [] });
      send("response.content_part.done", { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] });
    }
    send("response.output_item.done", { output_index: 0, item });
    send("response.completed", { response: response(body, raw, "completed", [item]) });
    res.end();
  });
}).listen(port, "127.0.0.1");
