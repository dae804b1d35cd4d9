export { assign, EMPTY_ASSIGNOR_STATE, type AssignorMember, type AssignorState, type AssignorOutput } from './assignor.js';
export { createMembership, type Membership, type MembershipOptions, type MembershipState, type RoundMember, type LeaderAssignment, type AppliedRound } from './membership.js';
export * from './protocol.js';
