/**
 * Natural-language requests for a tool, phrased as a user would ask an assistant (not copied from the
 * tool descriptions), and the served tool(s) that answer each. Used against the 20-service catalog of
 * `many.ts --domain`. Where two tools answer a request equally well, both are listed.
 */
export const QUERIES: readonly { query: string; expect: readonly string[] }[] = [
  { query: 'post on Slack in #releases that the build is green', expect: ['slack__send_message'] },
  { query: "refund the customer's last card charge", expect: ['stripe__refund_payment'] },
  {
    query: 'will it rain in Berlin this weekend?',
    expect: ['weather__daily_forecast', 'weather__hourly_forecast'],
  },
  {
    query: 'set up a meeting with Anna and Tom next week when everyone is free',
    expect: ['calendar__find_slot_availability'],
  },
  {
    query: 'the new version of checkout is broken, go back to the previous one',
    expect: ['kubernetes__rollback_deployment'],
  },
  { query: 'why is this SQL so slow?', expect: ['postgres__explain_query'] },
  { query: 'who is on call right now?', expect: ['pagerduty__list_on_calls'] },
  { query: "send a text to the delivery driver saying I'm late", expect: ['twilio__send_sms'] },
  { query: 'walking directions to the train station', expect: ['maps__directions_route'] },
  { query: "merge Sarah's PR into main", expect: ['github__merge_pull_request'] },
  { query: 'move the login bug ticket to In Progress', expect: ['jira__transition_ticket'] },
  { query: 'let Bob edit the budget spreadsheet in my drive', expect: ['drive__share_file'] },
  {
    query: 'the parcel for order 1042 went out today, here is the tracking number',
    expect: ['shopify__fulfill_order'],
  },
  { query: 'next song please', expect: ['spotify__skip_playback'] },
  {
    query: 'stop the CPU alert from firing while we patch the servers tonight',
    expect: ['datadog__mute_monitor', 'datadog__create_downtime'],
  },
  { query: 'show me what the crashing pod printed before it died', expect: ['kubernetes__logs_pod'] },
  {
    query: 'give my colleague a temporary link to download the report from our bucket',
    expect: ['s3__presign_object'],
  },
  { query: "answer John's email about the contract", expect: ['gmail__reply_email'] },
  {
    query: 'this prospect is qualified, turn them into a customer account and a deal',
    expect: ['salesforce__convert_lead'],
  },
  { query: 'clean up unused docker volumes, the disk is full', expect: ['docker__prune_volume'] },
];
