KB_SEARCH.shard(["cl",{"clearance":[0,2]}]);
