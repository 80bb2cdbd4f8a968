'use strict';
// The user both peers answer GET /auth/user with: the same fields and about the same size as
// gatehouse-server's answer, so the bodies on the wire match.
module.exports = function benchUser() {
  const now = new Date().toISOString();
  return {
    createdAt: now,
    displayName: '',
    email: 'bench@example.com',
    failedAttempts: 0,
    id: '52806ade-23e1-409c-ae63-55fc92834e0d',
    lastLoginAt: now,
    mfaEnrolled: false,
    passwordChangedAt: now,
    passwordSet: true,
    roles: ['owner'],
    status: 'active',
    updatedAt: now,
    username: 'bench',
  };
};
