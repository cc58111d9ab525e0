// A 400 that asks for the other mode: some endpoints refuse tools with stream, and DashScope refuses
// models that think by default without it. The attempt that meets one throws this instead of a
// QwenError, so the retry loop lets it through and the client asks once more in the other mode.
export class ModeRejection extends Error {
  constructor(readonly want: 'non-stream' | 'stream') {
    super(want);
  }
}
