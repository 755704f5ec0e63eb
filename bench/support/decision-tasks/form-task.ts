import { type SignupFormWidget, startSignupForm } from "@deskgate/test-support/tk-signup-form";
import { consequential, type DecisionTask, routine } from "./decision-task.ts";
import { centreOf, spanOf, zoomRegionOf } from "./screen-box.ts";

const expected = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  company: "Analytical Engines Ltd",
  city: "London",
  phone: "+44 20 7946 0018",
  password: "correct-horse-battery",
  terms: "1",
  plan: "team",
};

/**
 * A sign-up form in a real Tk window: five text fields filled in one go (Tab between them),
 * a password, the terms checkbox and a plan choice; a look; then Submit. Checked by what
 * the form received when submitted.
 */
export const formTask: DecisionTask = {
  name: "form",
  prompt:
    "Sign Ada Lovelace up in the open form: ada@example.com, Analytical Engines Ltd in London, +44 20 7946 0018, password correct-horse-battery, accept the terms, Team plan",
  async open(display) {
    const form = await startSignupForm(display, "+40+40");
    const at = (widget: SignupFormWidget) => centreOf(form.layout[widget]);
    const { layout } = form;
    const fields = zoomRegionOf(spanOf(layout.name, layout.password), 12);
    const everything = zoomRegionOf(spanOf(layout.name, layout.submit), 12);
    const status = zoomRegionOf({ ...layout.status, width: 400 }, 12);
    return {
      turns: [
        { text: "Let me look at the screen.", actions: [routine({ action: "screenshot" })] },
        {
          text: "A sign-up form is open; zooming in to read its fields.",
          actions: [routine({ action: "zoom", region: fields })],
        },
        {
          text: "Filling in every field, ticking the terms and choosing the Team plan.",
          actions: [
            routine({ action: "left_click", coordinate: at("name") }),
            routine({ action: "type", text: expected.name }),
            routine({ action: "key", text: "Tab" }),
            routine({ action: "type", text: expected.email }),
            routine({ action: "key", text: "Tab" }),
            routine({ action: "type", text: expected.company }),
            routine({ action: "key", text: "Tab" }),
            routine({ action: "type", text: expected.city }),
            routine({ action: "key", text: "Tab" }),
            routine({ action: "type", text: expected.phone }),
            routine({ action: "left_click", coordinate: at("password") }),
            consequential({ action: "type", text: expected.password }),
            routine({ action: "left_click", coordinate: at("terms") }),
            routine({ action: "left_click", coordinate: at("team") }),
          ],
        },
        {
          text: "Checking the whole form before sending it.",
          actions: [routine({ action: "zoom", region: everything })],
        },
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
