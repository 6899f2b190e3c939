/** Why an ACL rule was refused: Redis's errno values of ACLSetUser, turned into its messages. */
import { Err } from '../dispatch/errors.js';

export type AclRuleProblem = keyof typeof Err.aclRule;

export class AclRuleError extends Error {
  constructor(readonly problem: AclRuleProblem) {
    super(Err.aclRule[problem]);
  }
}
