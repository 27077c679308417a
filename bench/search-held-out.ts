/**
 * Requests written after the ranking was tuned, and never used to tune it: they measure how search does on
 * phrasings nobody fitted it to. `queries.ts` is the acceptance set; this one is the honest estimate.
 */
export const HELD_OUT: readonly { query: string; expect: readonly string[] }[] = [
  { query: 'put the Pro plan of customer 88 on hold for a month', expect: ['stripe__pause_subscription'] },
  { query: "I'm on it, stop paging the team about the outage", expect: ['pagerduty__acknowledge_incident'] },
  { query: 'we need five copies of the api running', expect: ['kubernetes__scale_deployment'] },
  { query: 'is the air in Delhi safe to go running today', expect: ['weather__get_air_quality'] },
  { query: 'reserve the big meeting room for 3pm', expect: ['calendar__book_room'] },
  { query: "bring back yesterday's version of the design doc", expect: ['drive__restore_revision'] },
  { query: 'pass this invoice email on to accounting', expect: ['gmail__forward_email'] },
  { query: 'kill the session that is locking the orders table', expect: ['postgres__terminate_connection'] },
  { query: 'add this song to my workout playlist', expect: ['spotify__add_tracks_playlist'] },
  { query: 'start a new branch for the login fix', expect: ['github__create_branch'] },
  { query: 'how long to drive to the airport right now', expect: ['maps__travel_time_route'] },
  { query: 'thumbs up the deploy announcement in Slack', expect: ['slack__react_message'] },
];
