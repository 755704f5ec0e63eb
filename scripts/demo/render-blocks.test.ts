import { describe, expect, it } from "vitest";
import { renderBlocks, slackTextToHtml } from "./render-blocks.ts";

const fileUrl = (id: string) => `/files/${id}`;

describe("renderBlocks", () => {
  it("renders the blocks a card uses, with buttons that carry their action back", () => {
    const html = renderBlocks(
      [
        { type: "header", text: { type: "plain_text", text: "Step 2" } },
        { type: "section", text: { type: "mrkdwn", text: "*Press* `ctrl+alt+t` <@U0BOB>" } },
        { type: "context", elements: [{ type: "mrkdwn", text: "run `run_1`" }] },
        {
          type: "actions",
          block_id: "decision",
          elements: [
            {
              type: "button",
              action_id: "approval.approve",
              value: "apr_1",
              style: "primary",
              text: { type: "plain_text", text: "Approve" },
            },
          ],
        },
        { type: "image", slack_file: { id: "F01" }, alt_text: "screen" },
        { type: "divider" },
      ],
      { messageTs: "1.000001", fileUrl },
    );
    expect(html).toContain("<h4>Step 2</h4>");
    expect(html).toContain("<b>Press</b> <code>ctrl+alt+t</code> @U0BOB");
    expect(html).toContain(
      '<button class="button primary" data-action-id="approval.approve" data-value="apr_1" data-block-id="decision" data-ts="1.000001">Approve</button>',
    );
    expect(html).toContain('src="/files/F01"');
    expect(html).toContain("<hr>");
  });

  it("renders a modal's inputs with names that say block and action", () => {
    const html = renderBlocks(
      [
        {
          type: "input",
          block_id: "reason",
          label: { type: "plain_text", text: "Why?" },
          element: { type: "plain_text_input", action_id: "value", multiline: true },
        },
      ],
      { fileUrl },
    );
    expect(html).toContain('<textarea name="reason/value">');
    expect(html).toContain("<label>Why?</label>");
  });

  it("shows an unknown block as its JSON rather than hiding it", () => {
    expect(renderBlocks([{ type: "video", title: "x" }], { fileUrl })).toContain(
      "&quot;type&quot;: &quot;video&quot;",
    );
  });
});

describe("slackTextToHtml", () => {
  it("undoes Slack's escaping, then escapes for HTML: no markup gets through", () => {
    expect(slackTextToHtml("type &lt;script&gt;alert(1)&lt;/script&gt; &amp; go")).toBe(
      "type &lt;script&gt;alert(1)&lt;/script&gt; &amp; go",
    );
    expect(slackTextToHtml('<img src=x onerror="1">')).not.toContain("<img");
  });

  it("reads mentions, links, dates and the bot's emoji as a person would", () => {
    expect(slackTextToHtml("<!here> <https://x.test|the view> :white_check_mark: :nope:")).toBe(
      "@here the view (https://x.test) ✅ :nope:",
    );
    expect(slackTextToHtml("<!date^1796084669^{time}|later>")).toMatch(/2026.* UTC/);
  });
});

describe("plain text on the page", () => {
  it("shows plain_text exactly as written, where mrkdwn would mention or link", () => {
    const html = renderBlocks(
      [
        {
          type: "section",
          text: { type: "plain_text", text: "<!channel> see <https://evil.example|docs> *now*" },
        },
        { type: "section", text: { type: "mrkdwn", text: "*Step 1* · <@U0BOB>" } },
      ],
      { fileUrl: () => "" },
    );
    expect(html).toContain("&lt;!channel&gt; see &lt;https://evil.example|docs&gt; *now*");
    expect(html).toContain("<b>Step 1</b> · @U0BOB");
  });
});
