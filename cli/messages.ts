/** A use case's message as the command line says it: field names become the options that set them. */
export function forCommandLine(message: string): string {
  return message
    .replace(/^model: /, "--target: ")
    .replace(/^(style|artist|composition|lighting): /, "--$1: ")
    .replace(/^selections\.pack: /, "--pack: ")
    .replace(/^ollama_model: /, "--ollama-model: ");
}
