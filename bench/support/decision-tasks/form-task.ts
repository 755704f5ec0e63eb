import { type SignupFormWidget, startSignupForm } from "@deskgate/test-support/tk-signup-form";
import { consequential, type DecisionTask, routine } from "./decision-task.ts";
import { centreOf, spanOf, zoomRegionOf } from "./screen-box.ts";

const expected = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  password: "correct-horse-battery",
  terms: "1",
  plan: "team",
};

/**
 * A sign-up form in a real Tk window: two text fields (one typo fixed on the way), a
 * password, the terms checkbox, a plan choice, then Submit. Checked by what the form
 * received when submitted.
 */
export const formTask: DecisionTask = {
  name: "form",
  prompt:
    "Sign Ada Lovelace up in the open form: ada@example.com, password correct-horse-battery, accept the terms, Team plan",
  async open(display) {
    const form = await startSignupForm(display, "+40+40");
    const at = (widget: SignupFormWidget) => centreOf(form.layout[widget]);
    const { layout } = form;
    const fields = zoomRegionOf(spanOf(layout.name, layout.password), 12);
    const choices = zoomRegionOf(spanOf(layout.terms, layout.team), 12);
    const status = zoomRegionOf({ ...layout.status, width: 400 }, 12);
    return {
      turns: [
        { text: "Let me look at the screen.", actions: [routine({ action: "screenshot" })] },
        {
          text: "A sign-up form is open; zooming in to read its fields.",
          actions: [routine({ action: "zoom", region: fields })],
        },
        {
          text: "Filling in the name, then Tab to the email field.",
          actions: [
            routine({ action: "left_click", coordinate: at("name") }),
            routine({ action: "type", text: expected.name }),
            routine({ action: "key", text: "Tab" }),
            routine({ action: "type", text: "ada@example.org" }),
          ],
        },
        {
          text: "Checking the two fields.",
          actions: [routine({ action: "zoom", region: fields })],
        },
        {
          text: "Now the password.",
          actions: [
            routine({ action: "left_click", coordinate: at("password") }),
            consequential({ action: "type", text: expected.password }),
          ],
        },
        {
          text: "The password shows as stars.",
          actions: [routine({ action: "zoom", region: fields })],
        },
        {
          text: "Accepting the terms and choosing the Team plan.",
          actions: [
            routine({ action: "left_click", coordinate: at("terms") }),
            routine({ action: "left_click", coordinate: at("team") }),
          ],
        },
        { text: "Checking the choices.", actions: [routine({ action: "zoom", region: choices })] },
        {
          text: "The email should end in .com, not .org: selecting it all and typing it again.",
          actions: [
            routine({ action: "triple_click", coordinate: at("email") }),
            routine({ action: "type", text: expected.email }),
          ],
        },
        { text: "Checking the email now.", actions: [routine({ action: "zoom", region: fields })] },
        {
          text: "Everything is filled in: submitting.",
          actions: [consequential({ action: "left_click", coordinate: at("submit") })],
        },
        {
          text: "Waiting for the form to answer.",
          actions: [routine({ action: "wait", duration: 0.5 }), routine({ action: "screenshot" })],
        },
        { text: "Reading the answer.", actions: [routine({ action: "zoom", region: status })] },
      ],
      finalText: "The form thanked Ada Lovelace: she is signed up on the Team plan.",
      async verify() {
        const received = form.submitted();
        if (!received) return ["the form was never submitted"];
        return Object.entries(expected)
          .filter(([field, value]) => received[field] !== value)
          .map(
            ([field, value]) =>
              `the form received ${field}=${JSON.stringify(received[field])}, not ${JSON.stringify(value)}`,
          );
      },
      close: () => form.close(),
    };
  },
};
