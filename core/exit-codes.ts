/** Exit codes of the isobench CLI (documented in the README). */
export const ExitCode = {
  Ok: 0,
  GateFailed: 1,
  Usage: 2,
  HostNotReady: 3,
  /** The gate could not judge every gated metric (too few samples, a failed or missing cell): not a pass. */
  GateInconclusive: 4,
  /** A bug in isobench (an uncaught error): EX_SOFTWARE of sysexits.h. */
  Internal: 70,
  /** 128 + SIGINT, as shells report an interrupted command. */
  Interrupted: 130,
  /** 128 + SIGTERM: stopped by a supervisor (CI timeout, systemd) rather than at the keyboard. */
  Terminated: 143,
} as const;
