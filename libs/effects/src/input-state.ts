export {
  type DesktopInputState,
  desktopInputStateSchema,
  initialInputState,
  maxLineLength,
} from "@deskgate/contracts";
