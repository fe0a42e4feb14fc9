KB_SEARCH.shard(["ki",{"kingdom":[1,2]}]);
