// The log lines of every Node process: how much, and which personal fields are censored.
import { nameList, oneOf, variables } from './variable.ts';

export const logging = variables({
  LOG_LEVEL: {
    schema: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Lowest level of log line written to stdout.',
  },
  LOG_REDACT: {
    schema: nameList(
      /^(?:[\w-]+(?:\s*,\s*[\w-]+)*)?$/,
      'expected field names like email,firstName',
    ),
    default: 'email,firstName,lastName,fullName',
    doc: 'Personal fields censored in log lines wherever they appear (field names, comma-separated, any case), on top of the built-in secrets (passwords, tokens, authorization, cookies, database URLs).',
  },
});
